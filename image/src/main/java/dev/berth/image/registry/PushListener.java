package dev.berth.image.registry;

import dev.berth.image.manifest.Descriptor;

/**
 * Progress of an {@link ImagePusher#push}. Every method has a no-op default. Blob callbacks come from
 * the upload threads, concurrently: implementations must be thread-safe.
 */
public interface PushListener {
    PushListener NONE = new PushListener() { };

    /** How a blob came to be in the target repository. */
    enum Outcome {
        /** The repository already had it. */
        EXISTED,
        /** Linked from the mount-from repository of the same registry, without uploading. */
        MOUNTED,
        /** Uploaded from the local store. */
        UPLOADED
    }

    default void blobStarted(Descriptor descriptor, BlobKind kind) {
    }

    default void blobDone(Descriptor descriptor, BlobKind kind, Outcome outcome) {
    }

    /** A manifest or index was PUT under {@code tagOrDigest}. */
    default void manifestPushed(Descriptor descriptor, String tagOrDigest) {
    }
}
