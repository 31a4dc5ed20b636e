package dev.berth.runtime;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the berth-launcher binary: -Dberth.launcher, else next to the runtime's jar. */
final class Launcher {
    private Launcher() {
    }

    static Path path() {
        String configured = System.getProperty("berth.launcher");
        Path path;
        if (configured != null && !configured.isEmpty()) {
            path = Path.of(configured);
        } else {
            try {
                Path jar = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                path = jar.resolveSibling("berth-launcher");
            } catch (URISyntaxException | RuntimeException e) {
                throw new RuntimeFailure("cannot locate berth-launcher; set -Dberth.launcher", e);
            }
        }
        if (!Files.isExecutable(path)) {
            throw new RuntimeFailure("berth-launcher not found or not executable at " + path
                    + " (build it with the set-up command in README.md, or set -Dberth.launcher)");
        }
        return path;
    }
}
