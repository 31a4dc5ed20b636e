package dev.berth.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a container may leave on the host, found by looking at the host itself. */
final class Leaks {
    private Leaks() {
    }

    /** Cgroup directories (any hierarchy, three levels deep) whose name contains {@code marker}. */
    static List<Path> cgroupDirs(String marker) {
        List<Path> found = new ArrayList<>();
        collect(Path.of("/sys/fs/cgroup"), marker, 4, found);
        return found;
    }

    /** A walk that tolerates directories vanishing under it: other cgroups come and go. */
    private static void collect(Path dir, String marker, int depth, List<Path> found) {
        if (depth == 0) {
            return;
        }
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.filter(Files::isDirectory).toList();
        } catch (IOException | UncheckedIOException vanished) {
            return;
        }
        for (Path child : children) {
            if (child.getFileName().toString().contains(marker)) {
                found.add(child);
            }
            collect(child, marker, depth - 1, found);
        }
    }

    /** Children of this JVM whose command name (comm, at most 15 characters) is {@code name}. */
    static List<String> processes(String name) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.toList()) {
                if (!proc.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String comm = Files.readString(proc.resolve("comm")).trim();
                    String stat = Files.readString(proc.resolve("stat"));
                    long parent = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
                    if (comm.equals(name) && parent == ProcessHandle.current().pid()) {
                        found.add(proc.getFileName() + ": " + comm);
                    }
                } catch (IOException vanished) {
                    // exited while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** Lines of the host's mount table that mention {@code marker}. */
    static List<String> mounts(String marker) {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(marker)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertNoneFor(String id) {
        assertEquals(List.of(), cgroupDirs(id), "cgroup directories left for " + id);
        assertEquals(List.of(), mounts(id), "mounts left for " + id);
    }
}
