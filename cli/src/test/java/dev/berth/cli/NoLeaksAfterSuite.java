package dev.berth.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs last in the build (surefire execution "no-leaks-after-suite", phase verify): after every
 * container test of every module, the host has no cgroup, mount, process or state berth made.
 */
class NoLeaksAfterSuite {

    @Test
    void noCgroupsLeft() throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path hierarchy : hierarchies.toList()) {
                try (Stream<Path> walk = Files.walk(hierarchy, 3)) {
                    walk.filter(Files::isDirectory).filter(p -> p.getFileName().toString().contains("berth")).forEach(found::add);
                }
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    void noMountsLeft() throws IOException {
        assertEquals(List.of(), Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains("berth") || l.contains("junit")).toList());
    }

    @Test
    void noLauncherOrContainerProcessesLeft() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String comm = Files.readString(proc.resolve("comm")).trim();
                    String root = Files.readSymbolicLink(proc.resolve("root")).toString();
                    // A container process has its root inside a test bundle; a launcher is named so;
                    // a test registry serves from a berth-registry-* directory (LocalRegistry).
                    String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
                    if (comm.equals("berth-launcher") || root.contains("/bundle/rootfs")
                            || (comm.equals("docker-registry") && cmdline.contains("berth-registry-"))) {
                        found.add(proc.getFileName() + " " + comm + " root=" + root);
                    }
                } catch (IOException vanished) {
                    // exited while we looked
                }
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    void noTestRegistryOrTrainingDirectoriesLeft() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertEquals(List.of(), entries.filter(p -> p.getFileName().toString().startsWith("berth-registry-")
                    || p.getFileName().toString().startsWith("berth-aot-training-")).toList());
        }
    }

    @Test
    void noStateLeftInTheDefaultRoot() throws IOException {
        Path root = Path.of("/run/berth");
        if (Files.isDirectory(root)) {
            try (Stream<Path> entries = Files.list(root)) {
                assertEquals(List.of(), entries.toList());
            }
        }
    }
}
