package dev.berth.image.store;

import java.io.IOException;

/**
 * A content-store failure that is about the content itself (bad digest, wrong size, missing blob),
 * as opposed to a plain I/O failure. Messages start with the digest concerned.
 */
public final class ContentException extends IOException {
    public ContentException(String message) {
        super(message);
    }

    public ContentException(String message, Throwable cause) {
        super(message, cause);
    }
}
