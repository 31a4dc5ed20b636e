package dev.berth.image.service;

import dev.berth.linux.FileSystemCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * This process's mounts as /proc/self/mountinfo lists them (proc(5): field 5 is the mount point,
 * octal-escaped; the filesystem type follows the " - " separator). Tests use it to see what berth
 * mounted, and to take down what a failed test left under its own temporary directory.
 */
public final class MountTable {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /** One line of mountinfo: where, and which filesystem type. */
    public record Mount(Path mountPoint, String fsType) {
    }

    private MountTable() {
    }

    public static List<Mount> read() {
        List<Mount> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(MOUNTINFO)) {
                String[] fields = line.split(" ");
                int separator = List.of(fields).indexOf("-");
                mounts.add(new Mount(Path.of(ImageSnapshots.unescapeMountinfo(fields[4])), fields[separator + 1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return mounts;
    }

    /** The type of the topmost filesystem mounted exactly at {@code dir}, if any. */
    public static Optional<String> fsTypeAt(Path dir) {
        Path wanted = real(dir);
        String type = null;
        for (Mount m : read()) {
            if (m.mountPoint().equals(wanted)) {
                type = m.fsType(); // later lines are mounted on top of earlier ones
            }
        }
        return Optional.ofNullable(type);
    }

    /** Mount points at or below {@code dir}, deepest (and latest) first. */
    public static List<Path> under(Path dir) {
        Path top = real(dir);
        List<Path> found = new ArrayList<>();
        for (Mount m : read()) {
            if (m.mountPoint().startsWith(top)) {
                found.add(m.mountPoint());
            }
        }
        java.util.Collections.reverse(found);
        found.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return found;
    }

    /**
     * Unmounts everything at or below {@code dir} (a test's own temporary directory, so only mounts
     * the test made) and returns what was there: a test calls this after itself and fails on a
     * non-empty answer, so a leak is reported without leaking into the next test.
     */
    public static List<Path> unmountAllUnder(Path dir) {
        List<Path> left = under(dir);
        for (Path mountPoint : left) {
            FileSystemCalls.umount2(mountPoint, 0);
        }
        return left;
    }

    private static Path real(Path dir) {
        try {
            return Files.exists(dir) ? dir.toRealPath() : dir.toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
