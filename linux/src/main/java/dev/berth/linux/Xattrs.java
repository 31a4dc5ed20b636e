package dev.berth.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Extended attributes of every namespace (user.*, trusted.*, security.*, system.*) through the
 * l*xattr(2) calls, which act on a symlink itself rather than on its target. Java's
 * UserDefinedFileAttributeView reaches user.* only, and opens the file to do so (a fifo would
 * block, a device node would be opened): these calls do neither.
 *
 * <p>Values are raw bytes: security.capability, for one, is a binary struct vfs_cap_data.
 */
public final class Xattrs {
    /** XATTR_SIZE_MAX, <linux/limits.h>: the kernel refuses larger values. */
    public static final int MAX_VALUE_SIZE = 65536;
    /** Retries when a value or list grows between the size query and the read (ERANGE). */
    private static final int RACE_RETRIES = 8;

    private Xattrs() {}

    /** lsetxattr(2) with flags 0: creates or replaces {@code name}. */
    public static void set(Path path, String name, byte[] value) {
        if (value.length > MAX_VALUE_SIZE) {
            throw new IllegalArgumentException("xattr " + name + " of " + path + ": " + value.length
                    + " bytes exceeds the kernel's limit of " + MAX_VALUE_SIZE);
        }
        String p = path.toString();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            // One extra byte so that an empty value still has a native address (it is not read).
            MemorySegment buf = arena.allocate(value.length + 1L);
            MemorySegment.copy(value, 0, buf, JAVA_BYTE, 0, value.length);
            if (Libc.lsetxattr(st, Libc.cString(arena, p), Libc.cString(arena, name), buf, value.length, 0) != 0) {
                throw new SyscallException("lsetxattr(" + name + ")", Libc.errno(st), p);
            }
        }
    }

    /** lgetxattr(2): the value, or empty when {@code path} has no such attribute (ENODATA). */
    public static Optional<byte[]> get(Path path, String name) {
        String p = path.toString();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment cPath = Libc.cString(arena, p);
            MemorySegment cName = Libc.cString(arena, name);
            for (int attempt = 0; attempt < RACE_RETRIES; attempt++) {
                // A size query first (value NULL, size 0), as getxattr(2) describes.
                long size = Libc.lgetxattr(st, cPath, cName, MemorySegment.NULL, 0);
                if (size < 0) return absentOrThrow("lgetxattr(" + name + ")", Libc.errno(st), p);
                MemorySegment buf = arena.allocate(size + 1);
                long n = Libc.lgetxattr(st, cPath, cName, buf, size);
                if (n >= 0) return Optional.of(buf.asSlice(0, n).toArray(JAVA_BYTE));
                int errno = Libc.errno(st);
                if (errno != Errno.ERANGE) return absentOrThrow("lgetxattr(" + name + ")", errno, p);
            }
            throw new SyscallException("lgetxattr(" + name + ")", Errno.ERANGE, p);
        }
    }

    private static Optional<byte[]> absentOrThrow(String call, int errno, String path) {
        if (errno == Errno.ENODATA) return Optional.empty();
        throw new SyscallException(call, errno, path);
    }

    /**
     * llistxattr(2): the names of every attribute the caller may see (trusted.* only with
     * CAP_SYS_ADMIN), in the kernel's order.
     */
    public static List<String> list(Path path) {
        String p = path.toString();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment cPath = Libc.cString(arena, p);
            for (int attempt = 0; attempt < RACE_RETRIES; attempt++) {
                long size = Libc.llistxattr(st, cPath, MemorySegment.NULL, 0);
                if (size < 0) throw new SyscallException("llistxattr", Libc.errno(st), p);
                MemorySegment buf = arena.allocate(size + 1);
                long n = Libc.llistxattr(st, cPath, buf, size);
                if (n >= 0) return names(buf.asSlice(0, n).toArray(JAVA_BYTE));
                int errno = Libc.errno(st);
                if (errno != Errno.ERANGE) throw new SyscallException("llistxattr", errno, p);
            }
            throw new SyscallException("llistxattr", Errno.ERANGE, p);
        }
    }

    /** The list is a sequence of NUL-terminated names. */
    private static List<String> names(byte[] list) {
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < list.length; i++) {
            if (list[i] == 0) {
                if (i > start) names.add(new String(list, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return names;
    }
}
