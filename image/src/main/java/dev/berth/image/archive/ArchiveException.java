package dev.berth.image.archive;

import java.io.IOException;

/** An image archive (OCI layout, docker save tar, rootfs tar) is unusable; the message names the entry. */
public final class ArchiveException extends IOException {
    public ArchiveException(String message) {
        super(message);
    }

    public ArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
