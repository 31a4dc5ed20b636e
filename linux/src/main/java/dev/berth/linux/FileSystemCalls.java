package dev.berth.linux;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Instant;

/** File-system syscalls that have no java.nio equivalent. Errors name the path acted on. */
public final class FileSystemCalls {
    // The mount(2) flags live in one table, spec's MountOptions: this module takes them as plain longs.

    // umount2(2) flags.
    public static final int MNT_FORCE = 1;
    public static final int MNT_DETACH = 2;
    public static final int MNT_EXPIRE = 4;
    public static final int UMOUNT_NOFOLLOW = 8;

    // statfs(2) f_type values, <linux/magic.h>.
    public static final long CGROUP_SUPER_MAGIC = 0x27e0ebL;
    public static final long CGROUP2_SUPER_MAGIC = 0x63677270L;
    public static final long PROC_SUPER_MAGIC = 0x9fa0L;
    public static final long SYSFS_MAGIC = 0x62656572L;
    public static final long TMPFS_MAGIC = 0x01021994L;
    public static final long OVERLAYFS_SUPER_MAGIC = 0x794c7630L;

    // File type bits of st_mode, <sys/stat.h>, for mknod's mode.
    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFMT = 0170000;

    /** utimensat(2): leave this timestamp as it is; AT_SYMLINK_NOFOLLOW, <fcntl.h>. */
    private static final long UTIME_OMIT = (1L << 30) - 2;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    /** glibc's struct statfs is 120 bytes on x86_64; f_type is its first member, a long. */
    private static final long STATFS_SIZE = 256;

    private FileSystemCalls() {}

    /** mkfifo(3); the mode is reduced by the umask as usual. */
    public static void mkfifo(Path path, int mode) {
        String p = path.toString();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            if (Libc.mkfifo(st, Libc.cString(arena, p), mode) != 0) {
                throw new SyscallException("mkfifo", Libc.errno(st), p);
            }
        }
    }

    /**
     * mknod(2) as mknodat(AT_FDCWD, ...), which is all arm64 has. {@code mode} holds the file type
     * ({@link #S_IFCHR}, {@link #S_IFBLK}, {@link #S_IFIFO}, ...) and the permission bits, which
     * the umask reduces as usual (callers chmod afterwards when the exact bits matter). The device
     * number only counts for character and block devices; the kernel takes it as a 32-bit
     * {@code new_encode_dev} value, so major must fit 12 bits and minor 20 (include/linux/kdev_t.h).
     * A 0/0 character device is what overlayfs reads as a whiteout.
     */
    public static void mknod(Path path, int mode, int major, int minor) {
        if (major < 0 || major > 0xfff || minor < 0 || minor > 0xfffff) {
            throw new IllegalArgumentException("mknod " + path + ": device " + major + ":" + minor
                    + " out of range (major 0-4095, minor 0-1048575)");
        }
        // new_encode_dev: minor's low 8 bits, then the 12-bit major, then minor's high 12 bits.
        long dev = (minor & 0xffL) | ((long) major << 8) | ((minor & ~0xffL) << 12);
        String p = path.toString();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            if (Libc.mknod(st, Libc.cString(arena, p), mode, dev) != 0) {
                throw new SyscallException("mknod", Libc.errno(st), p);
            }
        }
    }

    /**
     * chmod(2), by path. Unlike Java's {@code unix:mode} with NOFOLLOW_LINKS, which opens the file
     * to fchmod it (and so blocks on a fifo, or opens a device), this never opens anything. It
     * follows a symlink in the last component, as chmod(2) does: callers pass a path they made.
     * The mode may carry the set-user-ID, set-group-ID and sticky bits.
     */
    public static void chmod(Path path, int mode) {
        String p = path.toString();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            if (Libc.chmod(st, Libc.cString(arena, p), mode) != 0) {
                throw new SyscallException("chmod", Libc.errno(st), p);
            }
        }
    }

    /**
     * Sets the modification time of {@code path} itself, a symlink included, leaving the access
     * time alone: utimensat(2) with AT_SYMLINK_NOFOLLOW and UTIME_OMIT for atime. Java's
     * BasicFileAttributeView.setTimes opens the file instead, which blocks on a fifo.
     */
    public static void setModifiedTime(Path path, Instant mtime) {
        String p = path.toString();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            // struct timespec times[2] = {atime, mtime}; each {time_t tv_sec; long tv_nsec;}.
            MemorySegment times = arena.allocate(32, 8);
            times.set(JAVA_LONG, 0, 0);
            times.set(JAVA_LONG, 8, UTIME_OMIT);
            times.set(JAVA_LONG, 16, mtime.getEpochSecond());
            times.set(JAVA_LONG, 24, mtime.getNano());
            if (Libc.utimensat(st, Libc.cString(arena, p), times, AT_SYMLINK_NOFOLLOW) != 0) {
                throw new SyscallException("utimensat", Libc.errno(st), p);
            }
        }
    }

    /**
     * mount(2). {@code source}, {@code fstype} and {@code data} may be null (as for a bind mount or
     * a propagation change). Errors name the target.
     */
    public static void mount(String source, Path target, String fstype, long flags, String data) {
        String t = target.toString();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            int result = Libc.mount(st, nullable(arena, source), Libc.cString(arena, t),
                    nullable(arena, fstype), flags, nullable(arena, data));
            if (result != 0) throw new SyscallException("mount", Libc.errno(st), t);
        }
    }

    private static MemorySegment nullable(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : Libc.cString(arena, s);
    }

    /** umount2(2), e.g. with {@link #MNT_DETACH}. */
    public static void umount2(Path target, int flags) {
        String t = target.toString();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            if (Libc.umount2(st, Libc.cString(arena, t), flags) != 0) {
                throw new SyscallException("umount2", Libc.errno(st), t);
            }
        }
    }

    /** statfs(2)'s f_type: the magic number of the file system {@code path} lies on. */
    public static long statfsType(Path path) {
        String p = path.toString();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment buf = arena.allocate(STATFS_SIZE, 8);
            if (Libc.statfs(st, Libc.cString(arena, p), buf) != 0) {
                throw new SyscallException("statfs", Libc.errno(st), p);
            }
            return buf.get(JAVA_LONG, 0);
        }
    }
}
