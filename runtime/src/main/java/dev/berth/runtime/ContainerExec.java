package dev.berth.runtime;

import dev.berth.cgroups.Cgroup;
import dev.berth.linux.Fd;
import dev.berth.linux.Processes;
import dev.berth.linux.SyscallException;
import dev.berth.linux.UnixSocket;
import dev.berth.linux.WaitStatus;
import dev.berth.runtime.config.NamespaceConfig;
import dev.berth.runtime.config.NamespaceKind;
import dev.berth.runtime.config.ContainerConfig;
import dev.berth.runtime.config.ProcessConfig;
import dev.berth.runtime.plan.LaunchPlan;
import dev.berth.runtime.seccomp.SeccompProgram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A new process in a running container (`exec`): the launcher joins every namespace of the
 * container's init that differs from berth's own, forks, waits while Java puts the child in the
 * container's cgroup, takes on the same kind of credentials as the container's process, and execs.
 */
final class ContainerExec {
    private ContainerExec() {
    }

    /** Order of joining: the user namespace first (it grants the rights for the others). */
    private static final List<NamespaceKind> JOIN_ORDER = List.of(NamespaceKind.USER, NamespaceKind.IPC,
            NamespaceKind.UTS, NamespaceKind.NETWORK, NamespaceKind.PID, NamespaceKind.CGROUP, NamespaceKind.TIME,
            NamespaceKind.MOUNT);

    /** Starts the process; returns its host PID once execve succeeded. */
    static int start(int initPid, Cgroup cgroup, ProcessConfig process, SeccompProgram seccomp,
                     ContainerConfig.Personality personality, ExecOptions options, ContainerRecord container) {
        List<NamespaceConfig> join = namespacesToJoin(initPid);
        // A user namespace made by an unprivileged user has setgroups denied (user_namespaces(7)).
        boolean setgroupsAllowed = Processes.geteuid() == 0 || join.stream().noneMatch(n -> n.kind() == NamespaceKind.USER);
        LaunchPlan plan = PlanBuilder.buildExec(join, process, Capabilities.lastCap(), 3 + options.preserveFds(),
                setgroupsAllowed, seccomp, personality,
                options.consoleSocket() == null ? -1 : Launch.consoleFd(options.preserveFds()));
        Map<Integer, Fd> fds = new LinkedHashMap<>();
        for (int i = 0; i < options.preserveFds(); i++) {
            fds.put(3 + i, Fd.inherited(3 + i));
        }
        if (options.consoleSocket() != null) {
            fds.put(Launch.consoleFd(options.preserveFds()), UnixSocket.connect(options.consoleSocket()));
        }
        try (Launch launch = Launch.spawn(Launcher.path(), plan, fds, Launch.socketFd(options.preserveFds()))) {
            int pid = launch.awaitPid();
            if (seccomp != null && seccomp.notifies()) {
                launch.onSeccompListener(listener -> SeccompAgent.send(seccomp, listener, container.id(),
                        ContainerStatus.RUNNING, pid, container.bundle(), container.annotations()));
            }
            try {
                cgroup.addProcess(pid);
                launch.release();
                launch.awaitExec();
            } catch (RuntimeException e) {
                // Kill and reap it: an unreaped zombie in the container's pid namespace would keep
                // the init from ever finishing its exit (pid_namespaces(7)), and delete would hang.
                try {
                    Processes.kill(pid, 9);
                    Processes.waitpid(pid, false);
                } catch (SyscallException notOurs) {
                    // ESRCH or ECHILD: already gone, or detached and reaped by our caller's subreaper.
                }
                throw e;
            }
            return pid;
        } finally {
            for (Fd fd : fds.values()) {
                fd.close();
            }
        }
    }

    /** Waits for the exec'd process (we are its subreaper) and returns its exit code. */
    static int await(int pid) {
        try (SignalForwarding forwarding = SignalForwarding.to(pid)) {
            WaitStatus status = Processes.waitpid(pid, false);
            return status.shellCode();
        }
    }

    /** The init's namespaces that differ from berth's own, in the order to join them. */
    static List<NamespaceConfig> namespacesToJoin(int initPid) {
        List<NamespaceConfig> join = new ArrayList<>();
        for (NamespaceKind kind : JOIN_ORDER) {
            String name = switch (kind) {
                case NETWORK -> "net";
                case MOUNT -> "mnt";
                default -> kind.specName();
            };
            Path theirs = Path.of("/proc", Integer.toString(initPid), "ns", name);
            try {
                if (!Files.readSymbolicLink(theirs).equals(Files.readSymbolicLink(Path.of("/proc/self/ns", name)))) {
                    join.add(new NamespaceConfig(kind, theirs.toString()));
                }
            } catch (IOException e) {
                throw new RuntimeFailure("read " + theirs + ": " + e.getMessage(), e);
            }
        }
        return join;
    }
}
