package dev.berth.image.archive;

import dev.berth.image.manifest.Descriptor;
import java.util.Objects;

/**
 * An image as an archive names it: {@code name} exactly as the archive wrote it (e.g.
 * {@code busybox:latest} or {@code docker.io/library/busybox:1.36}; callers normalise), or "" when
 * the archive gives none, and the top descriptor (manifest or index) whose content is in the store.
 */
public record NamedImage(String name, Descriptor descriptor) {
    public NamedImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(descriptor, "descriptor");
    }
}
