package dev.berth.runtime;

import dev.berth.runtime.config.ContainerConfig;
import dev.berth.runtime.config.DeviceConfig;
import dev.berth.runtime.config.MountConfig;
import dev.berth.runtime.config.NamespaceConfig;
import dev.berth.runtime.config.NamespaceKind;
import dev.berth.runtime.config.ProcessConfig;
import dev.berth.runtime.plan.LaunchPlan;
import dev.berth.runtime.plan.Step;
import dev.berth.runtime.plan.Steps;
import dev.berth.runtime.seccomp.SeccompProgram;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static dev.berth.runtime.plan.Step.IGNORE_EEXIST;
import static dev.berth.runtime.plan.Step.IGNORE_ENOENT;
import static dev.berth.runtime.plan.Step.IN_ROOT;
import static dev.berth.spec.MountOptions.MS_BIND;
import static dev.berth.spec.MountOptions.MS_RDONLY;
import static dev.berth.spec.MountOptions.MS_REC;
import static dev.berth.spec.MountOptions.MS_REMOUNT;

/**
 * Turns a validated {@link ContainerConfig} into the launch plan the C launcher executes. Every
 * ordering decision lives here; the order follows runc's (libcontainer/rootfs_linux.go and
 * standard_init_linux.go) because configs written for runc rely on it:
 * namespaces, cgroup placement, mounts, pivot_root, devices, hostname, sysctl (before /proc/sys
 * becomes read-only), read-only and masked paths, rlimits, credentials, capabilities, exec.
 */
final class PlanBuilder {

    /**
     * What the plan needs besides the config.
     *
     * @param execFifoFd   fd number, in the launcher, of the exec fifo `start` writes to
     * @param firstFdToClose every fd from here on is made close-on-exec (3 + --preserve-fds)
     * @param lastCap      /proc/sys/kernel/cap_last_cap
     * @param cgroupDirs   hierarchy name -> host directory of the container's cgroup
     * @param cgroupV2     whether the host is pure cgroup v2
     */
    record Context(int execFifoFd, int firstFdToClose, int lastCap, Map<String, String> cgroupDirs,
                   boolean cgroupV2, boolean noPivot, boolean setgroupsAllowed, int consoleFd) {
    }

    private final ContainerConfig config;
    private final Context context;
    private final List<Step> steps = new ArrayList<>();

    private PlanBuilder(ContainerConfig config, Context context) {
        this.config = config;
        this.context = context;
    }

    static LaunchPlan build(ContainerConfig config, Context context) {
        PlanBuilder builder = new PlanBuilder(config, context);
        builder.namespacesAndFork();
        builder.rootfs();
        builder.afterPivot();
        builder.credentialsAndExec(config.process());
        return new LaunchPlan(List.copyOf(builder.steps));
    }

    /** In the launcher: join, unshare, then fork so that a new pid namespace gets its PID 1. */
    private void namespacesAndFork() {
        config.namespaces().stream().filter(n -> n.path() != null)
                .sorted(Comparator.comparing(NamespaceConfig::kind))
                .forEach(n -> steps.add(Steps.setns(n.path(), n.kind().cloneFlag())));
        long unshare = 0;
        for (NamespaceConfig n : config.namespaces()) {
            // A cgroup namespace's root is the cgroup its creator is in, so it is made only after
            // Java has placed the process in the container's cgroup (cgroup_namespaces(7)).
            if (n.path() == null && n.kind() != NamespaceKind.CGROUP) {
                unshare |= n.kind().cloneFlag();
            }
        }
        if (unshare != 0) {
            steps.add(Steps.unshare(unshare));
        }
        if (config.createsNamespace(NamespaceKind.USER)) {
            // Java writes uid_map and gid_map of the launcher here; every namespace unshared with
            // the user namespace belongs to it, so the container's root has its powers there only.
            steps.add(Steps.sync());
            // Become the namespace's root: until then our ids are unmapped there, and the kernel
            // refuses to create files (EOVERFLOW) in filesystems the namespace mounts.
            steps.add(Steps.setgid(0));
            steps.add(Steps.setuid(0));
        }
        timeOffsets();
        steps.add(Steps.fork());
        // runc makes the container init a session leader too; it detaches it from the caller's
        // terminal job control, and `run` forwards signals instead.
        steps.add(Steps.setsid());
        steps.add(Steps.sync());
        if (config.createsNamespace(NamespaceKind.CGROUP)) {
            steps.add(Steps.unshare(NamespaceKind.CGROUP.cloneFlag()));
        }
    }

    /**
     * time_namespaces(7): unshare(CLONE_NEWTIME) puts only the caller's future children in the new
     * namespace, and its offsets can be written (to the caller's /proc/self/timens_offsets) only
     * until the first process enters it, which the FORK does. So here and nowhere else. In a user
     * namespace this comes after becoming its root: the write needs CAP_SYS_TIME there.
     */
    private void timeOffsets() {
        if (config.timeOffsets().isEmpty() || !config.createsNamespace(NamespaceKind.TIME)) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (ContainerConfig.TimeOffset offset : config.timeOffsets()) {
            lines.append(offset.clock()).append(' ').append(offset.secs()).append(' ').append(offset.nanosecs()).append('\n');
        }
        steps.add(Steps.writeFile("/proc/self/timens_offsets", lines.toString(), 0));
    }

    private void rootfs() {
        String rootfs = config.rootfs().toString();
        // Keep mount events of the container from propagating back to the host (default
        // MS_SLAVE|MS_REC); pivot_root(2) also refuses a shared parent mount.
        steps.add(Steps.mount(null, "/", null, config.rootPropagation(), null, 0));
        // pivot_root needs new_root to be a mount point.
        steps.add(Steps.mount(rootfs, rootfs, null, MS_BIND | MS_REC, null, 0));
        steps.add(Steps.openRoot(rootfs));
        boolean devIsBind = false;
        boolean devPts = false;
        for (MountConfig mount : config.mounts()) {
            if (mount.destination().equals("/dev") && mount.bind()) {
                devIsBind = true;
            }
            if (mount.destination().equals("/dev/pts") && "devpts".equals(mount.type())) {
                devPts = true;
            }
            mount(mount);
        }
        if (!devIsBind) {
            devices(devPts, config.hasNamespace(NamespaceKind.USER));
        }
        if (config.hooks().hasCreateHooks()) {
            // createRuntime and createContainer hooks run here: namespaces and mounts are in
            // place, pivot_root has not happened yet (runtime.md, "Lifecycle" steps 5-6).
            steps.add(Steps.sync());
        }
        steps.add(context.noPivot() ? Steps.moveRoot(rootfs) : Steps.pivotRoot(rootfs));
    }

    private void mount(MountConfig m) {
        String dest = m.destination();
        if (m.bind()) {
            steps.add(m.sourceIsDirectory() ? Steps.mkdirs(dest, 0755, IN_ROOT) : Steps.mkfile(dest, 0644, IN_ROOT));
            steps.add(Steps.mount(m.source(), dest, null, m.flags(), m.data(), IN_ROOT));
            if (m.remountFlags() != 0) {
                // mount(2): MS_BIND ignores every other flag, so ro/nosuid/... need a remount.
                steps.add(Steps.mount(null, dest, null, MS_BIND | MS_REMOUNT | m.remountFlags(), null, IN_ROOT));
            }
        } else if ("cgroup".equals(m.type()) || "cgroup2".equals(m.type())) {
            cgroupMount(m);
        } else {
            steps.add(Steps.mkdirs(dest, 0755, IN_ROOT));
            steps.add(Steps.mount(m.source(), dest, m.type(), m.flags(), m.data(), IN_ROOT));
        }
        for (long propagation : m.propagation()) {
            steps.add(Steps.mount(null, dest, null, propagation, null, IN_ROOT));
        }
    }

    /**
     * The container sees its own cgroup as the root. On v2 with a cgroup namespace a fresh cgroup2
     * mount shows exactly that; otherwise berth binds the container's directories (a tmpfs holding
     * one per v1 hierarchy), as runc does.
     */
    private void cgroupMount(MountConfig m) {
        String dest = m.destination();
        long readonly = m.flags() & MS_RDONLY;
        long otherFlags = m.flags() & ~MS_RDONLY;
        steps.add(Steps.mkdirs(dest, 0755, IN_ROOT));
        if (context.cgroupV2()) {
            if (config.createsNamespace(NamespaceKind.CGROUP)) {
                steps.add(Steps.mount("cgroup2", dest, "cgroup2", m.flags(), null, IN_ROOT));
            } else {
                bindCgroupDir(context.cgroupDirs().values().iterator().next(), dest, m.flags());
            }
            return;
        }
        steps.add(Steps.mount("tmpfs", dest, "tmpfs", otherFlags, "mode=755", IN_ROOT));
        context.cgroupDirs().forEach((hierarchy, hostDir) -> {
            // The record names the unified hierarchy "" (hybrid hosts); inside it is "unified".
            String target = dest + "/" + (hierarchy.isEmpty() ? "unified" : hierarchy);
            steps.add(Steps.mkdirs(target, 0755, IN_ROOT));
            bindCgroupDir(hostDir, target, m.flags());
        });
        if (readonly != 0) {
            steps.add(Steps.mount(null, dest, null, MS_REMOUNT | m.flags(), "mode=755", IN_ROOT));
        }
    }

    private void bindCgroupDir(String hostDir, String target, long flags) {
        steps.add(Steps.mount(hostDir, target, null, MS_BIND | MS_REC, null, IN_ROOT));
        steps.add(Steps.mount(null, target, null, MS_BIND | MS_REMOUNT | flags, null, IN_ROOT));
    }

    /**
     * Device nodes, made with umask 0 so the modes are exact (mknod(2) applies the umask). In a
     * user namespace mknod of a device is never allowed (user_namespaces(7)), so the host's nodes
     * are bound over empty files instead, as runc does.
     */
    private void devices(boolean devPts, boolean userNamespace) {
        steps.add(Steps.umask(0));
        for (DeviceConfig device : config.devices()) {
            if (userNamespace) {
                steps.add(Steps.mkfile(device.path(), 0, IN_ROOT));
                steps.add(Steps.mount(device.path(), device.path(), null, MS_BIND, null, IN_ROOT));
            } else {
                // An existing node is kept, as runc does: the rootfs may be on disk and used before.
                steps.add(Steps.mknod(device.path(), device.mode(), device.dev(), device.uid(), device.gid(), IN_ROOT | IGNORE_EEXIST));
            }
        }
        steps.add(Steps.symlink("/proc/self/fd", "/dev/fd", IN_ROOT | IGNORE_EEXIST));
        steps.add(Steps.symlink("/proc/self/fd/0", "/dev/stdin", IN_ROOT | IGNORE_EEXIST));
        steps.add(Steps.symlink("/proc/self/fd/1", "/dev/stdout", IN_ROOT | IGNORE_EEXIST));
        steps.add(Steps.symlink("/proc/self/fd/2", "/dev/stderr", IN_ROOT | IGNORE_EEXIST));
        if (devPts) {
            // devpts(5) with newinstance: the instance's own ptmx is pts/ptmx.
            steps.add(Steps.symlink("pts/ptmx", "/dev/ptmx", IN_ROOT | IGNORE_EEXIST));
        }
    }

    /** Inside the new root. Sysctls go before readonlyPaths, which usually include /proc/sys. */
    private void afterPivot() {
        if (config.hostname() != null) {
            steps.add(Steps.sethostname(config.hostname()));
        }
        if (config.domainname() != null) {
            steps.add(Steps.setdomainname(config.domainname()));
        }
        config.sysctl().forEach((key, value) ->
                steps.add(Steps.writeFile("/proc/sys/" + key.replace('.', '/'), value, 0)));
        for (String path : config.readonlyPaths()) {
            steps.add(Steps.readonly(path, IN_ROOT | IGNORE_ENOENT));
        }
        for (String path : config.maskedPaths()) {
            steps.add(Steps.mask(path, IN_ROOT | IGNORE_ENOENT));
        }
        if (config.readonlyRootfs()) {
            steps.add(Steps.mount(null, "/", null, MS_BIND | MS_REMOUNT | MS_RDONLY, null, 0));
        }
    }

    /**
     * Credentials last: rlimits and oom_score_adj may need CAP_SYS_RESOURCE, the bounding set
     * needs CAP_SETPCAP, so both go before setuid drops them. PR_SET_KEEPCAPS keeps the permitted
     * set across setuid (capabilities(7)) so capset can then set exactly what was asked.
     */
    private void credentialsAndExec(ProcessConfig p) {
        console(steps, p, context.consoleFd());
        personality(steps, config.personality());
        process(steps, p, context.lastCap(), context.setgroupsAllowed(), config.seccomp());
        steps.add(Steps.ready());
        steps.add(Steps.waitStart(context.execFifoFd()));
        steps.add(Steps.closeFds(context.firstFdToClose()));
        seccompLast(steps, p, config.seccomp());
        steps.add(Steps.exec(p.args(), p.env()));
    }

    /** The terminal, after pivot_root (its devpts) and before the credentials change. */
    private static void console(List<Step> steps, ProcessConfig p, int consoleFd) {
        if (p.terminal()) {
            if (consoleFd < 0) {
                throw new RuntimeFailure("process.terminal is true: a terminal needs --console-socket");
            }
            steps.add(Steps.console(consoleFd, p.consoleRows(), p.consoleColumns(), p.uid()));
        }
    }

    /**
     * seccomp(2) needs no_new_privs or CAP_SYS_ADMIN. With no_new_privs the filter goes last, so
     * that it governs the program alone; without, it must go in while the capabilities are still
     * there (runc does the same), and the profile must then allow the steps that follow.
     */
    private static void seccompEarly(List<Step> steps, ProcessConfig p, SeccompProgram seccomp) {
        // A notifying filter goes in early too: its listener fd must reach berth, and through it
        // the agent, while berth still listens (before READY).
        if (seccomp != null && (!p.noNewPrivileges() || seccomp.notifies())) {
            steps.add(Steps.seccomp(seccomp.sockFilters(), seccomp.flags(), "load the seccomp filter (linux.seccomp)"));
        }
    }

    private static void seccompLast(List<Step> steps, ProcessConfig p, SeccompProgram seccomp) {
        if (seccomp != null && p.noNewPrivileges() && !seccomp.notifies()) {
            steps.add(Steps.seccomp(seccomp.sockFilters(), seccomp.flags(), "load the seccomp filter (linux.seccomp)"));
        }
    }

    /**
     * The plan of `exec`: join the namespaces of the running container, fork (a pid namespace is
     * entered by children only), wait for Java to put the child in the container's cgroup, then
     * the same credentials as the container's process, and exec. No exec fifo: it runs at once.
     *
     * @param namespaces nsfs files of the container's init to join, user namespace first
     */
    static LaunchPlan buildExec(List<NamespaceConfig> namespaces, ProcessConfig p, int lastCap, int firstFdToClose,
                                boolean setgroupsAllowed, SeccompProgram seccomp,
                                ContainerConfig.Personality personality, int consoleFd) {
        List<Step> steps = new ArrayList<>();
        for (NamespaceConfig ns : namespaces) {
            steps.add(Steps.setns(ns.path(), ns.kind().cloneFlag()));
        }
        steps.add(Steps.fork());
        if (p.terminal()) {
            steps.add(Steps.setsid()); // a terminal needs a session to control
        }
        steps.add(Steps.sync());
        console(steps, p, consoleFd);
        personality(steps, personality);
        process(steps, p, lastCap, setgroupsAllowed, seccomp);
        steps.add(Steps.closeFds(firstFdToClose));
        seccompLast(steps, p, seccomp);
        steps.add(Steps.exec(p.args(), p.env()));
        return new LaunchPlan(List.copyOf(steps));
    }

    /** Inherited across execve (personality(2)); it changes what uname(2) reports, nothing here. */
    private static void personality(List<Step> steps, ContainerConfig.Personality persona) {
        if (persona != null) {
            steps.add(Steps.personality(persona.persona(), "set personality " + persona.domain() + " (linux.personality)"));
        }
    }

    /**
     * Scheduler and I/O priority while the process still has CAP_SYS_NICE and CAP_SYS_ADMIN: a
     * real-time policy, a lower nice value and the RT I/O class need them (sched(7), ioprio_set(2)).
     */
    private static void scheduling(List<Step> steps, ProcessConfig p) {
        ProcessConfig.SchedulerConfig s = p.scheduler();
        if (s != null) {
            String what = "set scheduling policy " + s.policyName() + " (nice " + s.nice() + ", priority " + s.priority()
                    + ") (process.scheduler)";
            steps.add(Steps.schedSetattr(s.policy(), s.flags(), s.nice(), s.priority(), s.runtime(), s.deadline(),
                    s.period(), what));
        }
        ProcessConfig.IoPriorityConfig io = p.ioPriority();
        if (io != null) {
            steps.add(Steps.ioprioSet(io.ioClass(), io.level(),
                    "set I/O priority " + io.className() + " level " + io.level() + " (process.ioPriority)"));
        }
    }

    /** Everything about the process itself, up to finding its executable. */
    private static void process(List<Step> steps, ProcessConfig p, int lastCap, boolean setgroupsAllowed,
                                SeccompProgram seccomp) {
        if (p.oomScoreAdj() != null) {
            steps.add(Steps.writeFile("/proc/self/oom_score_adj", p.oomScoreAdj().toString(), 0));
        }
        for (ProcessConfig.RlimitConfig limit : p.rlimits()) {
            steps.add(Steps.setrlimit(limit.name(), limit.resource(), limit.soft(), limit.hard()));
        }
        scheduling(steps, p);
        ProcessConfig.CapabilitySets caps = p.capabilities();
        seccompEarly(steps, p, seccomp);
        steps.add(Steps.capBounding(caps.bounding(), lastCap));
        steps.add(Steps.keepCaps(true));
        if (setgroupsAllowed) {
            steps.add(Steps.setgroups(p.additionalGids()));
        } else if (!p.additionalGids().isEmpty()) {
            throw new RuntimeFailure("process.user.additionalGids: supplementary groups need setgroups(2),"
                    + " which is denied in a user namespace made by an unprivileged user");
        }
        steps.add(Steps.setgid(p.gid()));
        steps.add(Steps.setuid(p.uid()));
        steps.add(Steps.keepCaps(false));
        steps.add(Steps.capset(caps.effective(), caps.permitted(), caps.inheritable()));
        steps.add(Steps.ambient(caps.ambient(), lastCap));
        if (p.noNewPrivileges()) {
            steps.add(Steps.noNewPrivs());
        }
        steps.add(Steps.umask(p.umask() == null ? 0022 : p.umask()));
        steps.add(Steps.chdir(p.cwd()));
        steps.add(Steps.findExec(p.execCandidates()));
    }
}
