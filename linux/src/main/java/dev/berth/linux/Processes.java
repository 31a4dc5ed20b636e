package dev.berth.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Waiting for, signalling and identifying processes. */
public final class Processes {
    private static final int WNOHANG = 1;
    private static final int PR_SET_CHILD_SUBREAPER = 36;

    private Processes() {}

    /**
     * waitpid(2): reaps {@code pid} (or any child for -1) and decodes how it ended.
     *
     * @param noHang return null instead of blocking while the child still runs (WNOHANG)
     * @return the status, or null if {@code noHang} and no child has ended yet
     * @throws SyscallException e.g. ECHILD when {@code pid} is not an unreaped child of ours
     */
    public static WaitStatus waitpid(int pid, boolean noHang) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment status = arena.allocate(JAVA_INT);
            while (true) {
                int reaped = Libc.waitpid(st, pid, status, noHang ? WNOHANG : 0);
                if (reaped > 0) return WaitStatus.decode(reaped, status.get(JAVA_INT, 0));
                if (reaped == 0) return null;
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) throw new SyscallException("waitpid", errno, null);
            }
        }
    }

    /** kill(2). Prefer {@link #pidfdSendSignal} where the pid may have been reaped and reused. */
    public static void kill(int pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            if (Libc.kill(st, pid, signal) != 0) throw new SyscallException("kill", Libc.errno(st), null);
        }
    }

    /**
     * Whether {@code pid} names a process: kill(pid, 0) succeeds, or fails with EPERM (it exists
     * but belongs to someone else). A zombie — ended but not yet reaped — counts as alive.
     */
    public static boolean isAlive(int pid) {
        if (pid <= 0) throw new IllegalArgumentException("not a single process id: " + pid);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            if (Libc.kill(st, pid, 0) == 0) return true;
            int errno = Libc.errno(st);
            if (errno == Errno.EPERM) return true;
            if (errno == Errno.ESRCH) return false;
            throw new SyscallException("kill", errno, null);
        }
    }

    /**
     * prctl(PR_SET_CHILD_SUBREAPER, 1): orphaned descendants are re-parented to this process
     * instead of init, so that it can reap them and learn their exit status (prctl(2)).
     */
    public static void setChildSubreaper() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            if (Libc.prctl(st, PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
                throw new SyscallException("prctl(PR_SET_CHILD_SUBREAPER)", Libc.errno(st), null);
            }
        }
    }

    public static int getpid() {
        return Libc.getpid();
    }

    public static int geteuid() {
        return Libc.geteuid();
    }

    /**
     * pidfd_open(2) (Linux 5.3): an fd that keeps referring to this very process even after its
     * pid is reused; it polls readable once the process has exited. Called through syscall(2) as
     * glibc only gained a wrapper in 2.36. The fd is close-on-exec (the kernel always sets it).
     */
    public static Fd pidfdOpen(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            int fd = Libc.pidfdOpen(st, pid);
            if (fd < 0) throw new SyscallException("pidfd_open", Libc.errno(st), null);
            return Fd.adopt(fd, null);
        }
    }

    /** pidfd_send_signal(2) (Linux 5.1) with no siginfo and no flags. */
    public static void pidfdSendSignal(Fd pidfd, int signal) {
        int fd = pidfd.number();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            if (Libc.pidfdSendSignal(st, fd, signal) != 0) {
                throw new SyscallException("pidfd_send_signal", Libc.errno(st), null);
            }
        }
    }
}
