package dev.berth.image.store;

import java.nio.file.Path;
import java.util.Set;

/** What {@link ContentStore#gc} removed: unreferenced blobs and stale ingest files. */
public record GcResult(Set<Digest> removedBlobs, Set<Path> removedIngests) {
    public GcResult {
        removedBlobs = Set.copyOf(removedBlobs);
        removedIngests = Set.copyOf(removedIngests);
    }
}
