package dev.berth.runtime;

/** A runtime operation failed; the message is complete and meant for the user as it is. */
public class RuntimeFailure extends RuntimeException {
    public RuntimeFailure(String message) {
        super(message);
    }

    public RuntimeFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
