package dev.berth.image.names;

import dev.berth.image.manifest.Descriptor;
import java.time.Instant;

/**
 * One image name and what it points at.
 *
 * @param name    the normalised name, e.g. {@code docker.io/library/busybox:latest}
 * @param target  the manifest or index the name resolves to (its bytes are in the content store)
 * @param created when the name first pointed at this target
 * @param updated when the name was last set
 */
public record ImageRecord(String name, Descriptor target, Instant created, Instant updated) {
}
