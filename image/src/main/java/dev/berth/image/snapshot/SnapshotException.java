package dev.berth.image.snapshot;

import java.io.IOException;

/** A snapshot operation failed; the message names the snapshot key and what was wrong. */
public class SnapshotException extends IOException {
    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
