package dev.berth.spec;

import java.util.ArrayList;
import java.util.List;

/** Collects validation problems, each as {@code "<json path>: <what is wrong>"}. */
final class Problems {

    private final List<String> found = new ArrayList<>();

    void add(String path, String message) {
        found.add(path + ": " + message);
    }

    /** Adds "is required" if {@code value} is null; returns whether it was present. */
    boolean required(String path, Object value) {
        if (value == null) {
            add(path, "is required");
            return false;
        }
        return true;
    }

    /** Adds a problem unless {@code value} (if present) is an absolute path; NUL bytes too. */
    void absolutePath(String path, String value) {
        if (value == null) {
            return;
        }
        if (!value.startsWith("/")) {
            add(path, "must be an absolute path, got " + JsonText.quote(value));
        }
        noNul(path, value);
    }

    /** Strings end up as C strings in the launcher; an embedded NUL would silently cut them. */
    void noNul(String path, String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            add(path, "must not contain a NUL byte");
        }
    }

    List<String> list() {
        return List.copyOf(found);
    }

    static String at(String path, int index) {
        return path + "[" + index + "]";
    }

    static String key(String path, String key) {
        return path + "[" + JsonText.quote(key) + "]";
    }
}
