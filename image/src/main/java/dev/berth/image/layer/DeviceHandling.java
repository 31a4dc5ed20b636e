package dev.berth.image.layer;

/** What to do with character/block device and fifo entries. */
public enum DeviceHandling {
    /** Create them with mknod(2) (needs root), with the entry's numbers, owner and mode. */
    CREATE,
    /** Fail with {@link UnsupportedLayerException} naming the entry. */
    REFUSE,
    /** Skip the entry and list it in {@link UnpackResult#skipped()}. */
    SKIP
}
