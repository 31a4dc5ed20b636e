package dev.berth.runtime;

import java.util.Locale;

/**
 * The OCI runtime-spec states (runtime.md, "State"), plus runc's "paused" for a running container
 * whose cgroup is frozen (containerd and Podman read it).
 */
public enum ContainerStatus {
    CREATING, CREATED, RUNNING, PAUSED, STOPPED;

    /** The lower-case word the spec and runc print. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
