package dev.berth.image.service;

import dev.berth.image.registry.Credentials;
import dev.berth.image.registry.DockerConfigFile;
import dev.berth.image.registry.RegistryClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code berth login} and {@code berth logout}: credentials checked against the registry, then
 * stored in (or removed from) docker's config.json, the file every pull and push reads them from.
 * The file is {@link RegistryOptions#dockerConfig()} when given, else docker's default.
 */
public final class RegistryLogin {
    /**
     * A registry as login names it.
     *
     * @param registry  as written in references: docker.io for Docker Hub, else host[:port]
     * @param configKey its key in config.json's auths ({@value DockerConfigFile#DOCKER_HUB_KEY} for
     *                  Docker Hub), which is also how docker names it in its messages
     */
    public record Server(String registry, String configKey) {
        /**
         * The server a login argument names: none (or docker.io) is Docker Hub; a URL counts by its host.
         *
         * @throws IllegalArgumentException when it names no host
         */
        public static Server of(String argument) {
            String key = DockerConfigFile.keyFor(argument);
            return new Server(DockerConfigFile.registryOf(key), key);
        }
    }

    private final RegistryOptions options;
    private final Path configFile;

    public RegistryLogin(RegistryOptions options) {
        this.options = options;
        this.configFile = options.dockerConfig() != null ? options.dockerConfig() : DockerConfigFile.defaultPath();
    }

    /** The config.json that login writes and logout edits. */
    public Path configFile() {
        return configFile;
    }

    /**
     * Checks {@code credentials} with the registry, then stores them under the server's key.
     * Nothing is written when the registry refuses them or cannot be reached.
     *
     * @throws ImageException the registry refused the credentials ("login to SERVER: unauthorized"),
     *                        or config.json names a credential helper for the server
     */
    public void login(Server server, Credentials credentials) throws IOException {
        refuseCredentialHelper(server, "store credentials for");
        try (RegistryClient client = client(server, credentials)) {
            Optional<String> refused = client.checkLogin(server.registry());
            if (refused.isPresent()) {
                throw new ImageException("login to " + server.configKey() + ": unauthorized"
                        + (refused.get().isEmpty() ? "" : ": " + refused.get()));
            }
        }
        DockerConfigFile.storeAuth(configFile, server.configKey(), credentials);
    }

    /**
     * Removes the server's stored credentials.
     *
     * @return false when there were none (docker then says "Not logged in to SERVER" and succeeds)
     * @throws ImageException config.json names a credential helper for the server
     */
    public boolean logout(Server server) throws IOException {
        refuseCredentialHelper(server, "remove credentials of");
        return DockerConfigFile.removeAuth(configFile, server.configKey());
    }

    /**
     * With a helper configured, docker reads and erases credentials through it and never looks
     * at auths, so writing a plain password there would be both useless and a needless leak.
     */
    private void refuseCredentialHelper(Server server, String action) throws IOException {
        Optional<String> helper = DockerConfigFile.credentialHelper(configFile, server.configKey());
        if (helper.isPresent()) {
            throw new ImageException(configFile + " names a credential helper for " + server.configKey() + " ("
                    + helper.get() + "); berth does not run credential helpers yet and cannot " + action
                    + " it: use docker login/logout, or remove the helper from that file");
        }
    }

    /** A client that sends exactly these credentials to the server, whatever config.json holds. */
    private RegistryClient client(Server server, Credentials credentials) throws IOException {
        RegistryClient.Builder b = RegistryClient.builder().credentials(server.registry(), credentials)
                .dockerConfig(configFile);
        options.insecureRegistries().forEach(b::insecure);
        return b.build();
    }
}
