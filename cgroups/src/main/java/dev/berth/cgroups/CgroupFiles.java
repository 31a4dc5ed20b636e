package dev.berth.cgroups;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * File operations on a cgroup filesystem, each failure turned into a {@link CgroupException} that
 * names the operation, the path and the errno. The four primitives ({@link #mkdirRaw},
 * {@link #rmdirRaw}, {@link #writeRaw}, {@link #readRaw}) are overridable so that tests on a
 * plain-directory fake tree can do what cgroupfs does by itself (populate a new directory with
 * control files, drop them on rmdir, refuse writes, follow cgroup.subtree_control) and record
 * every write in order.
 */
class CgroupFiles {
    /** rmdir retries on EBUSY: 10, 20, ... 640 ms, about 1.3 s in all. */
    private static final int RMDIR_RETRIES = 7;
    private static final long RMDIR_FIRST_DELAY_MS = 10;

    // ---- primitives ------------------------------------------------------------------------

    void mkdirRaw(Path dir) throws IOException {
        Files.createDirectory(dir);
    }

    void rmdirRaw(Path dir) throws IOException {
        // Files.delete on a directory is rmdir(2); cgroupfs removes the control files itself.
        Files.delete(dir);
    }

    /**
     * One write(2) of the whole value, without O_CREAT: cgroupfs parses each write as one
     * command (devices.allow, io.max, cgroup.subtree_control take one rule per write), and
     * creating a missing control file must fail rather than invent it. O_TRUNC is harmless on
     * cgroupfs (runc opens the same way) and keeps plain fake files showing the last value.
     */
    void writeRaw(Path file, String value) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(bytes);
        }
        if (bytes.hasRemaining()) {
            throw new IOException("short write: " + bytes.position() + " of " + bytes.limit() + " bytes");
        }
    }

    String readRaw(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    // ---- checked wrappers ------------------------------------------------------------------

    final void write(Path dir, String name, String value) {
        Path file = dir.resolve(name);
        try {
            writeRaw(file, value);
        } catch (IOException e) {
            throw writeFailed(file, value, e);
        }
    }

    static CgroupException writeFailed(Path file, String value, IOException e) {
        return new CgroupException("cgroup: write " + quoted(value) + " to " + file + ": "
                + IoErrors.describe(e), e);
    }

    /** The file's content without the trailing newline. */
    final String read(Path dir, String name) {
        Path file = dir.resolve(name);
        try {
            return readRaw(file).strip();
        } catch (IOException e) {
            throw new CgroupException("cgroup: read " + file + ": " + IoErrors.describe(e), e);
        }
    }

    /**
     * Like {@link #read} but null when the file is not there: ENOENT (controller or kernel feature
     * absent, cgroup gone) or ENODEV, which kernfs returns for a file whose cgroup was removed
     * between open and read (kernfs_fop_read_iter on a deactivated node).
     */
    final String readIfPresent(Path dir, String name) {
        Path file = dir.resolve(name);
        try {
            return readRaw(file).strip();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (IoErrors.hasText(e, IoErrors.ENODEV_TEXT)) {
                return null;
            }
            throw new CgroupException("cgroup: read " + file + ": " + IoErrors.describe(e), e);
        }
    }

    final boolean exists(Path dir, String name) {
        return Files.exists(dir.resolve(name));
    }

    /** The space-separated words of a file such as cgroup.controllers. */
    final List<String> readWords(Path dir, String name) {
        String content = read(dir, name);
        return content.isEmpty() ? List.of() : List.of(content.split("\\s+"));
    }

    /**
     * The pids in dir/cgroup.procs and in the cgroup.procs of every cgroup below dir, each once
     * (a v1 process whose threads sit in several cgroups is listed by each of them). The walk
     * tolerates what a live subtree does meanwhile: a child cgroup removed under it (ENOENT, or
     * ENODEV from kernfs once the cgroup is gone), and cgroup2 threaded cgroups, whose
     * cgroup.procs refuses reads with EOPNOTSUPP (cgroup_procs_start) because their processes
     * are listed by the threaded domain above them.
     */
    final List<Integer> pidsBelow(Path dir) {
        Set<Integer> pids = new LinkedHashSet<>();
        addPids(dir, read(dir, "cgroup.procs"), pids);
        for (Path child : childCgroups(dir)) {
            addPidsOfChild(child, pids);
        }
        return new ArrayList<>(pids);
    }

    private void addPidsOfChild(Path dir, Set<Integer> pids) {
        Path file = dir.resolve("cgroup.procs");
        try {
            addPids(dir, readRaw(file), pids);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            if (IoErrors.hasText(e, IoErrors.ENODEV_TEXT) || IoErrors.hasText(e, IoErrors.EOPNOTSUPP_TEXT)) {
                return;
            }
            throw new CgroupException("cgroup: read " + file + ": " + IoErrors.describe(e), e);
        }
        for (Path child : childCgroups(dir)) {
            addPidsOfChild(child, pids);
        }
    }

    private static void addPids(Path dir, String procs, Set<Integer> pids) {
        for (String line : procs.lines().toList()) {
            String pid = line.strip();
            if (pid.isEmpty()) {
                continue;
            }
            try {
                pids.add(Integer.parseInt(pid));
            } catch (NumberFormatException e) {
                throw new CgroupException("cgroup: cannot parse " + dir.resolve("cgroup.procs")
                        + ": \"" + pid + "\" is not a pid", e);
            }
        }
    }

    /** Sub-directories of a cgroup directory, i.e. its child cgroups; empty if dir is gone. */
    final List<Path> childCgroups(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new CgroupException("cgroup: list " + dir + ": " + IoErrors.describe(e), e);
        }
    }

    /**
     * Creates every missing directory from {@code root} (exclusive) down to {@code leaf}. Each
     * directory this call makes is appended to {@code created} at once, so a caller that fails
     * later still knows what to remove, and handed to {@code onCreated} (parents first).
     */
    final void mkdirs(Path root, Path leaf, List<Path> created, Consumer<Path> onCreated) {
        Path level = root;
        for (Path name : root.relativize(leaf)) {
            level = level.resolve(name);
            try {
                mkdirRaw(level);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(level)) {
                    throw new CgroupException("cgroup: mkdir " + level + ": exists and is not a directory", e);
                }
                continue; // made by someone else: not ours to configure or remove
            } catch (IOException e) {
                throw new CgroupException("cgroup: mkdir " + level + ": " + IoErrors.describe(e), e);
            }
            created.add(level);
            onCreated.accept(level);
        }
    }

    /**
     * rmdir that waits out EBUSY: a process killed a moment ago stays in cgroup.procs until its
     * parent reaps it (cgroup_rmdir -> cgroup_destroy_locked refuses while tasks remain).
     * A directory that is already gone counts as removed.
     *
     * @param retry false to try once (when another cgroup of the same group already proved busy,
     *              waiting again for the same processes would only multiply the delay)
     */
    final void rmdir(Path dir, boolean retry) {
        long delay = RMDIR_FIRST_DELAY_MS;
        int retries = retry ? RMDIR_RETRIES : 0;
        for (int attempt = 0; ; attempt++) {
            try {
                rmdirRaw(dir);
                return;
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException e) {
                if (!IoErrors.hasText(e, IoErrors.EBUSY_TEXT) || attempt == retries) {
                    throw rmdirFailed(dir, e);
                }
            }
            sleep(delay);
            delay *= 2;
        }
    }

    private CgroupException rmdirFailed(Path dir, IOException e) {
        String why = IoErrors.describe(e);
        List<Integer> pids = Files.isDirectory(dir) ? safePids(dir) : List.of();
        if (!pids.isEmpty()) {
            return new CgroupException("cgroup: rmdir " + dir + ": " + why
                    + ": the cgroup still has processes " + pids, e);
        }
        return new CgroupException("cgroup: rmdir " + dir + ": " + why, e);
    }

    private List<Integer> safePids(Path dir) {
        try {
            return pidsBelow(dir);
        } catch (CgroupException | NumberFormatException ignored) {
            return List.of(); // the rmdir error is the one to report
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CgroupException("cgroup: interrupted while waiting to retry rmdir", e);
        }
    }

    static String quoted(String value) {
        return value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)
                ? "\"" + value + "\"" : value;
    }
}
