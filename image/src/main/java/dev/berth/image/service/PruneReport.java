package dev.berth.image.service;

import dev.berth.image.store.Digest;
import java.util.List;
import java.util.Set;

/**
 * What one garbage collection removed.
 *
 * @param removedBlobs     blobs no image name reaches any more
 * @param removedSnapshots committed snapshots (chain IDs) no image needs and no mounted bundle uses
 * @param bytesFreed       the size of the removed blobs
 */
public record PruneReport(Set<Digest> removedBlobs, List<String> removedSnapshots, long bytesFreed) {
    public PruneReport {
        removedBlobs = Set.copyOf(removedBlobs);
        removedSnapshots = List.copyOf(removedSnapshots);
    }
}
