package dev.berth.runtime;

import dev.berth.linux.Errno;
import dev.berth.linux.Fd;
import dev.berth.linux.Processes;
import dev.berth.linux.SocketPair;
import dev.berth.linux.Spawn;
import dev.berth.linux.UnixSocket;
import dev.berth.linux.WaitStatus;
import dev.berth.runtime.plan.LaunchPlan;
import dev.berth.runtime.plan.LauncherMessage;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Java's side of the conversation with berth-launcher (drawn in docs/launch-plan.md): spawn it,
 * send the plan, then follow its messages. Each await method either returns what the protocol
 * promises next or throws a {@link RuntimeFailure} that names the failing step.
 */
final class Launch implements AutoCloseable {
    private final LaunchPlan plan;
    private final Fd socket;
    private final int launcherPid;
    private int containerPid;
    private WaitStatus launcherStatus;
    private java.util.function.Consumer<Fd> seccompHandler;

    private Launch(LaunchPlan plan, Fd socket, int launcherPid) {
        this.plan = plan;
        this.socket = socket;
        this.launcherPid = launcherPid;
    }

    /**
     * Spawns the launcher. Fds 3.. of the launcher are {@code preserved} in order (--preserve-fds),
     * then the socket, then the exec fifo: the plan was built with those same numbers.
     */
    static Launch spawn(Path launcher, LaunchPlan plan, List<Fd> preserved, Fd execFifo, Fd consoleSocket) {
        Map<Integer, Fd> fds = new LinkedHashMap<>();
        int next = 3;
        for (Fd fd : preserved) {
            fds.put(next++, fd);
        }
        fds.put(execFifoFd(preserved.size()), execFifo);
        if (consoleSocket != null) {
            fds.put(consoleFd(preserved.size()), consoleSocket);
        }
        return spawn(launcher, plan, fds, socketFd(preserved.size()));
    }

    /** Where the console socket goes, when there is one (after the socket and the fifo). */
    static int consoleFd(int preserveFds) {
        return 5 + preserveFds;
    }

    /** Spawns the launcher with {@code fds} in place and the plan's socket at {@code socketFd}. */
    static Launch spawn(Path launcher, LaunchPlan plan, Map<Integer, Fd> fds, int socketFd) {
        SocketPair pair = SocketPair.create();
        try {
            Map<Integer, Fd> all = new LinkedHashMap<>(fds);
            all.put(socketFd, pair.childEnd());
            int pid = Spawn.spawn(launcher, List.of(launcher.toString(), Integer.toString(socketFd)), List.of(), all);
            pair.childEnd().close();
            Launch launch = new Launch(plan, pair.parentEnd(), pid);
            launch.socket.write(plan.encode());
            return launch;
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
    }

    /**
     * For a plan without FORK whose last step is EXEC: EOF means the launcher became the program;
     * returns its pid (a child of ours to reap).
     */
    int awaitExecOfLauncher() {
        awaitExec();
        return launcherPid;
    }

    /** Whether the launcher was reaped by this object (for plans that exec the launcher itself). */
    void forgetLauncher(WaitStatus status) {
        launcherStatus = status;
    }

    /** Fd numbers the plan must use, matching {@link #spawn}. */
    static int socketFd(int preserveFds) {
        return 3 + preserveFds;
    }

    static int execFifoFd(int preserveFds) {
        return 4 + preserveFds;
    }

    /** The container init's host PID, once the launcher has forked it (the launcher then exits). */
    int awaitPid() {
        LauncherMessage message = expect(LauncherMessage.Kind.PID);
        containerPid = message.value();
        WaitStatus status = reapLauncher(false);
        if (!status.exited() || status.exitCode() != 0) {
            throw new RuntimeFailure("berth-launcher failed after fork: status " + status.shellCode());
        }
        return containerPid;
    }

    /** Waits for the init to stop at SYNC, then lets it go on (cgroups are in place by now). */
    void release() {
        awaitSync();
        proceed();
    }

    /** Waits until the launcher stops at a SYNC step. */
    void awaitSync() {
        expect(LauncherMessage.Kind.SYNC);
    }

    /** Lets the launcher go on past the SYNC it waits at. */
    void proceed() {
        socket.write(new byte[] {'G'});
    }

    void awaitReady() {
        expect(LauncherMessage.Kind.READY);
    }

    /** After start: EOF means execve succeeded (the socket is close-on-exec), as in JDK childproc.c. */
    void awaitExec() {
        LauncherMessage message = next();
        if (message != null) {
            throw failure(message);
        }
    }

    int launcherPid() {
        return launcherPid;
    }

    int containerPid() {
        return containerPid;
    }

    private LauncherMessage expect(LauncherMessage.Kind kind) {
        LauncherMessage message = next();
        if (message == null) {
            throw new RuntimeFailure("berth-launcher exited before " + kind + launcherStatus());
        }
        if (message.kind() == LauncherMessage.Kind.ERROR) {
            throw failure(message);
        }
        if (message.kind() != kind) {
            throw new RuntimeFailure("berth-launcher protocol error: expected " + kind + ", got " + message.kind());
        }
        return message;
    }

    private String launcherStatus() {
        if (containerPid != 0) {
            return "";
        }
        WaitStatus status = reapLauncher(false);
        return " (status " + status.shellCode() + ")";
    }

    private RuntimeFailure failure(LauncherMessage message) {
        return new RuntimeFailure(plan.describe(message.step()) + ": " + Errno.name(message.errno())
                + " (" + Errno.description(message.errno()) + ")");
    }

    /** The next message, or null at EOF. */
    /**
     * The next message, or null at EOF. Read with recvmsg: a SECCOMP message carries the
     * listener fd, which a plain read(2) of its bytes would close (unix(7)). That message is kept
     * aside for {@link #seccompListener} and reading goes on.
     */
    private LauncherMessage next() {
        while (true) {
            byte[] buffer = new byte[LauncherMessage.SIZE];
            int filled = 0;
            Fd attached = null;
            while (filled < buffer.length) {
                UnixSocket.Message got = UnixSocket.receive(socket, buffer, filled, buffer.length - filled);
                if (got.fd() != null) {
                    attached = got.fd();
                }
                if (got.length() < 0) {
                    if (filled == 0) {
                        return null;
                    }
                    throw new RuntimeFailure("berth-launcher sent a truncated message");
                }
                filled += got.length();
            }
            LauncherMessage message = LauncherMessage.decode(buffer);
            if (message.kind() != LauncherMessage.Kind.SECCOMP) {
                return message;
            }
            if (attached == null) {
                throw new RuntimeFailure("berth-launcher sent a SECCOMP message without the listener fd");
            }
            // Handed on at once: the launcher may already be blocked in a notified syscall.
            try (Fd listener = attached) {
                if (seccompHandler == null) {
                    throw new RuntimeFailure("berth-launcher sent a seccomp listener nobody asked for");
                }
                seccompHandler.accept(listener);
            }
        }
    }

    /** What to do with the seccomp listener fd when the launcher sends it (SCMP_ACT_NOTIFY). */
    void onSeccompListener(java.util.function.Consumer<Fd> handler) {
        this.seccompHandler = handler;
    }

    @Override
    public void close() {
        socket.close();
        if (reapLauncher(true) == null) {
            // The launcher is stuck before its report: do not leave it behind or as a zombie.
            Processes.kill(launcherPid, 9);
            reapLauncher(false);
        }
    }

    private WaitStatus reapLauncher(boolean noHang) {
        if (launcherStatus == null) {
            launcherStatus = Processes.waitpid(launcherPid, noHang);
        }
        return launcherStatus;
    }
}
