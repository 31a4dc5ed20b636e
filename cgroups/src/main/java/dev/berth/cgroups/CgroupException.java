package dev.berth.cgroups;

/**
 * A cgroup operation failed. The message names what failed: the file and the value written, the
 * directory created or removed, or the configuration field that was rejected, followed by the errno
 * name and text when the kernel refused, e.g.
 * {@code cgroup: write 100 to /sys/fs/cgroup/memory/berth/x/memory.limit_in_bytes: EBUSY (Device or resource busy)}.
 */
public final class CgroupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CgroupException(String message) {
        super(message);
    }

    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
