package dev.berth.image.service;

import java.nio.file.Path;
import java.util.Set;

/**
 * How berth talks to registries.
 *
 * @param insecureRegistries hosts (host or host:port) reached over plain HTTP besides loopback
 * @param dockerConfig       the config.json to read credentials from; null for the default
 *                           ($DOCKER_CONFIG/config.json, else ~/.docker/config.json)
 */
public record RegistryOptions(Set<String> insecureRegistries, Path dockerConfig) {
    public RegistryOptions {
        insecureRegistries = Set.copyOf(insecureRegistries);
    }

    public static final RegistryOptions DEFAULTS = new RegistryOptions(Set.of(), null);
}
