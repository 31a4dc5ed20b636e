package dev.berth.image.service;

import java.io.IOException;

/** A local-image operation failed: no such image, an ambiguous ID, unreadable metadata. */
public final class ImageException extends IOException {
    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
