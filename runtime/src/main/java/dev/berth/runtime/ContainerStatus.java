package dev.berth.runtime;

import java.util.Locale;

/** The OCI runtime-spec states (runtime.md, "State"): the only values `state` ever reports. */
public enum ContainerStatus {
    CREATING, CREATED, RUNNING, STOPPED;

    /** The lower-case word the spec and runc print. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
