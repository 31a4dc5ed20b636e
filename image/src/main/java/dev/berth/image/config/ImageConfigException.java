package dev.berth.image.config;

/** An image config that cannot be read, or cannot be turned into a runtime spec. */
public final class ImageConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageConfigException(String message) {
        super(message);
    }

    public ImageConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
