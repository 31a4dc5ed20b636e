package dev.berth.image.layer;

import java.io.IOException;

/** A layer could not be unpacked; the message names the offending tar entry. */
public class LayerException extends IOException {
    public LayerException(String message) {
        super(message);
    }

    public LayerException(String message, Throwable cause) {
        super(message, cause);
    }
}
