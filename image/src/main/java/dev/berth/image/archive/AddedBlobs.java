package dev.berth.image.archive;

import dev.berth.image.manifest.Descriptor;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import dev.berth.image.store.Ingest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The blobs one import published, so that a failed import can take exactly those back out: blobs
 * that were in the store before stay, because other images may reference them.
 *
 * <p>A concurrent import of the same blob that publishes between our {@code contains} check and our
 * commit is indistinguishable from our own write (the store's link(2) keeps the first copy); a
 * rollback then removes that shared blob too. The other import's own verification of its image
 * (every reachable blob present) is what catches that rare case.
 */
final class AddedBlobs {
    private final ContentStore store;
    private final Set<Digest> added = new LinkedHashSet<>();

    AddedBlobs(ContentStore store) {
        this.store = store;
    }

    /** Verifies {@code in} against {@code digest} (and {@code size}, unless -1) into the store. */
    void put(Digest digest, long size, InputStream in) throws IOException {
        if (store.contains(digest)) {
            return; // Already verified when it was published; blobs are immutable.
        }
        // Closing an uncommitted Ingest deletes its file, so a failed copy leaves nothing behind.
        try (Ingest ingest = store.begin(digest, size)) {
            in.transferTo(ingest);
            ingest.commit();
        }
        added.add(digest);
    }

    void put(Digest digest, long size, Path file) throws IOException {
        if (store.contains(digest)) {
            return;
        }
        try (InputStream in = Files.newInputStream(file)) {
            put(digest, size, in);
        }
    }

    /** Stores a document made in memory and returns its descriptor. */
    Descriptor put(String mediaType, byte[] content) throws IOException {
        Digest digest = Digest.of("sha256", content);
        put(digest, content.length, new ByteArrayInputStream(content));
        return new Descriptor(mediaType, digest, content.length, List.of(), Map.of(), Optional.empty());
    }

    /** Removes the blobs this import added that are not in {@code keep} (unreferenced leftovers). */
    void retainOnly(Set<Digest> keep) throws IOException {
        for (var it = added.iterator(); it.hasNext(); ) {
            Digest d = it.next();
            if (!keep.contains(d)) {
                Files.deleteIfExists(store.path(d));
                it.remove();
            }
        }
    }

    /**
     * Deletes every blob this import added. Never throws: a cleanup failure is attached to
     * {@code cause} (the failure being reported) instead of hiding it.
     */
    void rollback(Throwable cause) {
        for (Digest d : added) {
            try {
                Files.deleteIfExists(store.path(d));
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }
        added.clear();
    }
}
