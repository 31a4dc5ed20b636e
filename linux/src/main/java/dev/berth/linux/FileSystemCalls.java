package dev.berth.linux;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

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
