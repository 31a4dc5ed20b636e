package dev.berth.spec;

import java.io.IOException;

/**
 * A JSON value of the wrong type or out of range, found by {@link JsonInput}. The message is
 * complete but for the source name: {@code linux.resources.memory.limit: expected an integer, got "abc"}.
 */
public final class JsonValueException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String path;

    JsonValueException(String path, String expected, String found) {
        super((path.isEmpty() ? "" : path + ": ") + "expected " + expected + ", got " + found);
        this.path = path;
    }

    /** The JSON path of the value ({@code process.args[1]}), empty for the top-level value. */
    public String path() {
        return path;
    }
}
