package dev.berth.spec;

/**
 * The container's root filesystem (config.md "Root").
 *
 * @param path absolute, or relative to the bundle directory; a directory MUST exist there
 * @param readonly whether the root filesystem is made read-only inside the container
 */
public record Root(String path, Boolean readonly) {

    /** {@code readonly}, with absent meaning false as the spec says. */
    public boolean readonlyOrDefault() {
        return Boolean.TRUE.equals(readonly);
    }
}
