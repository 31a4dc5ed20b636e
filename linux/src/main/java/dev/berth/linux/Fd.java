package dev.berth.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.EOFException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An open file descriptor owned by this object. The raw number never leaves this package: other
 * modules hand an {@code Fd} around and close it, which keeps every fd's lifetime visible in the
 * type system (a leaked fd in a container runtime can leak host files into a container, cf.
 * CVE-2024-21626).
 *
 * <p>Every fd made here is close-on-exec, so it never leaks into spawned processes unless mapped
 * explicitly through {@link Spawn#spawn}. Reads and writes go through a native bounce buffer of at
 * most {@value #CHUNK} bytes: FFM passes a heap array to C only as a "critical" call, during
 * which the GC cannot move it — unacceptable for a read that may block for minutes.
 */
public final class Fd implements AutoCloseable {
    private static final int CHUNK = 64 * 1024;
    private static final int F_DUPFD_CLOEXEC = 1030;
    // <poll.h>; POLLHUP, POLLERR and POLLNVAL are always reported, whatever "events" says.
    private static final short POLLIN = 0x001;
    private static final short POLLERR = 0x008;
    private static final short POLLHUP = 0x010;
    private static final short POLLNVAL = 0x020;
    // Far below Long.MAX_VALUE, so that "start + timeout" never wraps around in nanoTime arithmetic
    // (and ~73 years: the kernel saturates a timespec that far ahead instead of refusing it).
    private static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE / 4;

    private final int number;
    /** The path the fd was opened from, for error messages; null for sockets, pidfds, ... */
    private final String path;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Fd(int number, String path) {
        this.number = number;
        this.path = path;
    }

    /** Takes ownership of a raw fd just returned by a syscall of this package. */
    static Fd adopt(int number, String path) {
        return new Fd(number, path);
    }

    /** The path the fd was opened from, for error messages; null for sockets, pidfds, ... */
    String path() {
        return path;
    }

    /** The raw number, for syscalls of this package only. */
    int number() {
        if (closed.get()) throw new IllegalStateException(this + " is closed");
        return number;
    }

    /**
     * open(2). {@link OpenFlags#O_CLOEXEC} is always added. EINTR (possible when opening a FIFO
     * and a signal arrives while waiting for the other end) is retried.
     *
     * @param mode permission bits for a file created by {@code O_CREAT}, e.g. {@code 0644}
     */
    public static Fd open(Path path, int flags, int mode) {
        String pathString = path.toString();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment cPath = Libc.cString(arena, pathString);
            while (true) {
                int fd = Libc.open(st, cPath, flags | OpenFlags.O_CLOEXEC, mode);
                if (fd >= 0) return new Fd(fd, pathString);
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) throw new SyscallException("open", errno, pathString);
            }
        }
    }

    /**
     * read(2) into {@code buf[off, off+len)}; returns the count read (possibly less than
     * {@code len}), or -1 at end of file. Retries EINTR. {@code len == 0} returns 0 at once.
     */
    public int read(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        int fd = number();
        if (len == 0) return 0;
        int want = Math.min(len, CHUNK);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment bounce = arena.allocate(want);
            while (true) {
                long n = Libc.read(st, fd, bounce, want);
                if (n == 0) return -1;
                if (n > 0) {
                    MemorySegment.copy(bounce, JAVA_BYTE, 0, buf, off, (int) n);
                    return (int) n;
                }
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) throw new SyscallException("read", errno, path);
            }
        }
    }

    /**
     * Reads exactly {@code buf.length} bytes.
     *
     * @throws UncheckedIOException wrapping an {@link EOFException} if the end of file comes first
     */
    public void readFully(byte[] buf) {
        int done = 0;
        while (done < buf.length) {
            int n = read(buf, done, buf.length - done);
            if (n < 0) {
                throw new UncheckedIOException(new EOFException(
                        this + ": end of file after " + done + " of " + buf.length + " bytes"));
            }
            done += n;
        }
    }

    /** Writes all of {@code buf[off, off+len)}, looping over short writes; retries EINTR. */
    public void write(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        int fd = number();
        if (len == 0) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment bounce = arena.allocate(Math.min(len, CHUNK));
            for (int done = 0; done < len; ) {
                int chunk = Math.min(len - done, CHUNK);
                MemorySegment.copy(buf, off + done, bounce, JAVA_BYTE, 0, chunk);
                writeAll(st, fd, bounce, chunk);
                done += chunk;
            }
        }
    }

    private void writeAll(MemorySegment st, int fd, MemorySegment bounce, int count) {
        long written = 0;
        while (written < count) {
            long n = Libc.write(st, fd, bounce.asSlice(written), count - written);
            if (n >= 0) {
                written += n;
                continue;
            }
            int errno = Libc.errno(st);
            if (errno != Errno.EINTR) throw new SyscallException("write", errno, path);
        }
    }

    public void write(byte[] buf) {
        write(buf, 0, buf.length);
    }

    /**
     * poll(2) for {@code POLLIN}: true once the fd is readable, hung up (peer closed; for a pidfd:
     * the process exited) or in error — i.e. a read will not block; false when the timeout passes.
     * EINTR is retried with the remaining time, because poll(2) is never restarted by SA_RESTART.
     * Made as ppoll(2), the only form arm64 has; its timespec timeout never expires early.
     */
    public boolean pollIn(Duration timeout) {
        if (timeout.isNegative()) throw new IllegalArgumentException("negative timeout: " + timeout);
        int fd = number();
        long timeoutNanos = timeout.compareTo(Duration.ofNanos(MAX_TIMEOUT_NANOS)) > 0
                ? MAX_TIMEOUT_NANOS : timeout.toNanos();
        long deadline = System.nanoTime() + timeoutNanos;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            // struct pollfd { int fd; short events; short revents; }
            MemorySegment pollFd = arena.allocate(8, 4);
            pollFd.set(JAVA_INT, 0, fd);
            pollFd.set(JAVA_SHORT, 4, POLLIN);
            // struct timespec { time_t tv_sec; long tv_nsec; }
            MemorySegment timespec = arena.allocate(16, 8);
            while (true) {
                long remaining = Math.max(0, deadline - System.nanoTime());
                timespec.set(JAVA_LONG, 0, remaining / 1_000_000_000);
                timespec.set(JAVA_LONG, 8, remaining % 1_000_000_000);
                int ready = Libc.ppoll(st, pollFd, 1, timespec);
                if (ready > 0) return readable(pollFd.get(JAVA_SHORT, 6));
                if (ready == 0) return false;
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) throw new SyscallException("poll", errno, path);
            }
        }
    }

    private boolean readable(short revents) {
        // POLLNVAL means the number is not an open fd: report it as poll(2) would for a bad fd.
        if ((revents & POLLNVAL) != 0) throw new SyscallException("poll", Errno.EBADF, path);
        return (revents & (POLLIN | POLLHUP | POLLERR)) != 0;
    }

    /** fcntl(F_DUPFD_CLOEXEC): a close-on-exec duplicate numbered at least {@code minNumber}. */
    Fd duplicateAtLeast(int minNumber) {
        int fd = number();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            int copy = Libc.fcntl(st, fd, F_DUPFD_CLOEXEC, minNumber);
            if (copy < 0) throw new SyscallException("fcntl(F_DUPFD_CLOEXEC)", Libc.errno(st), path);
            return new Fd(copy, path);
        }
    }

    /**
     * A close-on-exec duplicate of fd {@code number} that this process inherited from its caller
     * (runc's --preserve-fds passes such fds on to the container). Closing the duplicate leaves
     * the inherited fd alone; EBADF if the caller passed no such fd.
     */
    public static Fd inherited(int number) {
        if (number < 3) throw new IllegalArgumentException("not an inherited fd beyond stdio: " + number);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            int copy = Libc.fcntl(st, number, F_DUPFD_CLOEXEC, 3);
            if (copy < 0) throw new SyscallException("fcntl(F_DUPFD_CLOEXEC)", Libc.errno(st), "inherited fd " + number);
            return new Fd(copy, "inherited fd " + number);
        }
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /**
     * close(2); later calls do nothing. EINTR is not an error and is not retried: Linux frees the
     * fd number before it can be interrupted, and a retry could close a number another thread has
     * just been given (close(2), "Dealing with error returns from close()").
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            if (Libc.close(st, number) != 0) {
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) throw new SyscallException("close", errno, path);
            }
        }
    }

    @Override
    public String toString() {
        return "fd " + number;
    }
}
