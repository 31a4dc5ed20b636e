package dev.berth.image.registry;

import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Manifest;
import dev.berth.image.store.Digest;
import java.io.IOException;

/**
 * Progress of an {@link ImagePuller#pull}. Every method has a no-op default. Layer callbacks come
 * from the download threads, concurrently: implementations must be thread-safe.
 */
public interface PullListener {
    PullListener NONE = new PullListener() { };

    /** The reference was resolved to the manifest or index with this digest. */
    default void resolved(Reference reference, Digest digest) {
    }

    default void blobStarted(Descriptor descriptor, BlobKind kind) {
    }

    /** Bytes of {@code descriptor} written so far; may go back to 0 if a download restarts. */
    default void blobProgress(Descriptor descriptor, long bytesSoFar) {
    }

    /** The blob is verified in the store; {@code alreadyPresent} when nothing had to be downloaded. */
    /**
     * The platform's manifest and its config are in the store; the layers are fetched next. A
     * caller can prepare to unpack layers as their {@link #blobDone} calls arrive.
     */
    default void layersNext(Manifest manifest) throws IOException {
    }

    default void blobDone(Descriptor descriptor, boolean alreadyPresent) {
    }
}
