package dev.berth.linux;

/**
 * A failed system call or libc function: which call, which errno, and (when the call had one)
 * which path it was applied to.
 *
 * <p>{@link #getMessage()} reads {@code mount `/proc`: EPERM (Operation not permitted)}, or without a
 * path {@code kill: ESRCH (No such process)}.
 */
public final class SyscallException extends RuntimeException {
    private final String syscall;
    private final int errno;
    private final String path;

    /**
     * @param syscall the C function that failed, e.g. {@code "open"}
     * @param errno   the errno it reported (or, for posix_spawn, the error it returned)
     * @param path    the path it was applied to, or null
     */
    public SyscallException(String syscall, int errno, String path) {
        super(format(syscall, errno, path));
        this.syscall = syscall;
        this.errno = errno;
        this.path = path;
    }

    /**
     * As {@link #SyscallException(String, int, String)}, with {@code detail} (e.g. the BPF
     * verifier's log) on the lines after the usual message.
     */
    public SyscallException(String syscall, int errno, String path, String detail) {
        super(format(syscall, errno, path) + (detail == null || detail.isBlank() ? "" : "\n" + detail.strip()));
        this.syscall = syscall;
        this.errno = errno;
        this.path = path;
    }

    private static String format(String syscall, int errno, String path) {
        String where = path == null ? syscall : syscall + " `" + path + "`";
        return where + ": " + Errno.name(errno) + " (" + Errno.description(errno) + ")";
    }

    public String syscall() {
        return syscall;
    }

    public int errno() {
        return errno;
    }

    /** The symbolic errno, e.g. {@code "EPERM"}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** The path the call was applied to, or null. */
    public String path() {
        return path;
    }
}
