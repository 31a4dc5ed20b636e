package dev.berth.image.manifest;

/** A manifest, index or descriptor document is malformed or unsupported; the message names the field. */
public final class ManifestException extends RuntimeException {
    public ManifestException(String message) {
        super(message);
    }

    public ManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
