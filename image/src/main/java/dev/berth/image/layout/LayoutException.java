package dev.berth.image.layout;

import java.io.IOException;

/** An OCI image layout (or the bundle made from it) is unusable; the message names the file or field. */
public final class LayoutException extends IOException {
    public LayoutException(String message) {
        super(message);
    }

    public LayoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
