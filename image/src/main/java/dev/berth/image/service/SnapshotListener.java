package dev.berth.image.service;

import dev.berth.image.manifest.Descriptor;

/** Progress of unpacking an image's layers into snapshots. Methods are called from one thread. */
public interface SnapshotListener {
    SnapshotListener NONE = new SnapshotListener() { };

    /** Layer {@code layer} is a committed snapshot now; {@code existed} if it was one already. */
    default void extracted(Descriptor layer, boolean existed) {
    }
}
