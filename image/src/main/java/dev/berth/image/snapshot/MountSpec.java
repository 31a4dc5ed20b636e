package dev.berth.image.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * One mount a snapshotter asks its caller to make, as containerd's snapshotters return them
 * (the snapshotter never mounts anything itself): {@code type} "bind" or "overlay" (or any
 * filesystem type), {@code source} the bind source or a label, {@code options} mount(8)-style
 * words, e.g. {@code ["rbind", "ro"]} or {@code ["index=off", "workdir=...", "upperdir=...",
 * "lowerdir=top:...:bottom"]}. {@link Mounter} turns them into system calls.
 */
public record MountSpec(String type, String source, List<String> options) {
    public MountSpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        options = List.copyOf(options);
    }

    /** The value of the first {@code name=value} option, or null. */
    public String option(String name) {
        String prefix = name + "=";
        for (String option : options) {
            if (option.startsWith(prefix)) {
                return option.substring(prefix.length());
            }
        }
        return null;
    }
}
