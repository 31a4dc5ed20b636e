package dev.berth.image.snapshot;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What a snapshotter knows of one snapshot.
 *
 * @param key     the active or view key, or the committed name
 * @param kind    what the snapshot is for
 * @param parent  the committed snapshot it is based on, if any
 * @param created when it was prepared
 * @param path    its directory (for overlay {@code <path>/fs} is the layer's own directory)
 */
public record SnapshotInfo(String key, Kind kind, Optional<String> parent, Instant created, Path path) {

    /** containerd's snapshot kinds. */
    public enum Kind {
        /** Writable: a layer being extracted, or a container's root filesystem. */
        ACTIVE,
        /** A read-only view of a committed snapshot. */
        VIEW,
        /** Immutable; may be the parent of other snapshots. */
        COMMITTED
    }
}
