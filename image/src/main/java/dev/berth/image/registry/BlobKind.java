package dev.berth.image.registry;

/** What a transferred blob is, for progress reporting. */
public enum BlobKind {
    /** An image index or Docker manifest list. */
    INDEX,
    /** An image manifest. */
    MANIFEST,
    /** An image config. */
    CONFIG,
    /** A layer. */
    LAYER
}
