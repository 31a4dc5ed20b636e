package dev.berth.runtime;

import java.io.IOException;
import java.nio.file.Path;

/** What the running kernel knows about capabilities. */
final class Capabilities {
    private Capabilities() {
    }

    /** The highest capability number this kernel has (capabilities(7), /proc/sys/kernel/cap_last_cap). */
    static int lastCap() {
        try {
            return Integer.parseInt(ProcFiles.read(Path.of("/proc/sys/kernel/cap_last_cap")).trim());
        } catch (IOException | NumberFormatException e) {
            throw new RuntimeFailure("read /proc/sys/kernel/cap_last_cap: " + e.getMessage(), e);
        }
    }
}
