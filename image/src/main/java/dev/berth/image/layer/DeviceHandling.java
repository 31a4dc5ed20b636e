package dev.berth.image.layer;

/**
 * What to do with character/block device and fifo entries. The JVM cannot mknod(2) or
 * mkfifo(3), so they cannot be created here.
 */
public enum DeviceHandling {
    /** Fail with {@link UnsupportedLayerException} naming the entry. */
    REFUSE,
    /** Skip the entry and list it in {@link UnpackResult#skipped()}. */
    SKIP
}
