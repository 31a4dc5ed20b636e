package dev.berth.runtime;

import dev.berth.cgroups.Cgroup;
import dev.berth.cgroups.CgroupDriver;
import dev.berth.cgroups.FreezerState;
import dev.berth.cgroups.Resources;
import dev.berth.cgroups.Stats;
import dev.berth.linux.Fd;
import dev.berth.linux.FileSystemCalls;
import dev.berth.linux.OpenFlags;
import dev.berth.linux.Processes;
import dev.berth.linux.Signals;
import dev.berth.linux.UnixSocket;
import dev.berth.linux.SyscallException;
import dev.berth.linux.WaitStatus;
import dev.berth.runtime.config.BundleLoader;
import dev.berth.runtime.config.ContainerConfig;
import dev.berth.runtime.config.NamespaceKind;
import dev.berth.runtime.config.ProcessConfig;
import dev.berth.runtime.plan.LaunchPlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The OCI runtime as a library: the lifecycle of runtime.md. Every method is safe to call from a
 * fresh process (the CLI calls one per invocation); state lives under {@code root}.
 */
public final class ContainerRuntime {
    /** runc's default root is /run/runc; berth's is /run/berth. */
    public static final Path DEFAULT_ROOT = Path.of("/run/berth");
    public static final String OCI_VERSION = "1.2.0";

    /**
     * Looked up on first use only: the first System.getLogger scans the class path for a logger
     * provider (~9 ms of every CLI call), and berth logs only on warning paths.
     */
    private static System.Logger log() {
        return System.getLogger("dev.berth.runtime");
    }

    private final Path root;
    private final StateStore store;
    /** Detached exec'd processes by the container's cgroup, see {@link #reapExecChildren}. */
    private final java.util.Map<dev.berth.cgroups.CgroupRecord, java.util.Set<Integer>> detachedExecs =
            new java.util.concurrent.ConcurrentHashMap<>();
    private CgroupDriver cgroupDriver;

    public ContainerRuntime(Path root) {
        this.root = root;
        this.store = new StateStore(root);
    }

    public Path root() {
        return root;
    }

    private CgroupDriver cgroups() {
        if (cgroupDriver == null) {
            cgroupDriver = CgroupDriver.probe();
        }
        return cgroupDriver;
    }

    /**
     * The container's cgroup. An unprivileged caller cannot make one (unless delegated), so a
     * rootless container that asks for no limits gets none instead of an error.
     */
    private Cgroup createCgroup(ContainerConfig config) {
        if (Processes.geteuid() != 0 && !hasLimits(config.resources())) {
            return new NoCgroup(0);
        }
        return cgroups().create(config.cgroupsPath(), config.resources());
    }

    /**
     * An unprivileged writer of gid_map must deny setgroups(2) in the new user namespace first
     * (user_namespaces(7)); then the process keeps no supplementary groups at all.
     */
    private static boolean setgroupsAllowed(ContainerConfig config) {
        return Processes.geteuid() == 0 || !config.createsNamespace(NamespaceKind.USER);
    }

    private static boolean hasLimits(Resources r) {
        return r.memory() != null || r.cpu() != null || r.pids() != null || r.blockIo() != null
                || !r.hugepageLimits().isEmpty() || !r.unified().isEmpty();
    }

    private Cgroup cgroupOf(ContainerRecord record) {
        return NoCgroup.DRIVER.equals(record.cgroup().driver()) ? new NoCgroup(record.pid()) : cgroups().open(record.cgroup());
    }

    /** Creates the container; returns once its process waits for {@link #start}. */
    public ContainerState create(String id, Path bundle, CreateOptions options) {
        try (Creation creation = createAndKeepLaunch(id, bundle, options)) {
            return creation.state();
        }
    }

    /**
     * create without closing the launcher socket, so that `run` sees exec success (EOF) or failure.
     * On any failure, everything made so far is undone before the exception leaves.
     */
    private Creation createAndKeepLaunch(String id, Path bundle, CreateOptions options) {
        StateStore.checkId(id);
        ContainerConfig config = BundleLoader.load(bundle.toAbsolutePath().normalize(), id);
        Path dir = store.reserve(id);
        Creation creation = new Creation(id);
        try {
            creation.cgroup = createCgroup(config);
            // exec and hooks need the config as it was at create, even if the bundle changes.
            copyConfig(config.bundle().resolve("config.json"), dir.resolve(StateStore.CONFIG_COPY));
            Path fifo = dir.resolve(StateStore.EXEC_FIFO);
            FileSystemCalls.mkfifo(fifo, 0600);
            PlanBuilder.Context context = new PlanBuilder.Context(
                    Launch.execFifoFd(options.preserveFds()), Launch.socketFd(options.preserveFds()),
                    Capabilities.lastCap(), creation.cgroup.record().paths(),
                    creation.cgroup instanceof NoCgroup ? false : cgroups().name().equals("v2"), options.noPivot(),
                    setgroupsAllowed(config), options.consoleSocket() == null ? -1 : Launch.consoleFd(options.preserveFds()));
            LaunchPlan plan = PlanBuilder.build(config, context);
            List<Fd> preserved = new ArrayList<>();
            for (int i = 0; i < options.preserveFds(); i++) {
                preserved.add(Fd.inherited(3 + i));
            }
            // O_RDWR on a fifo does not block (fifo(7)); the init keeps this end and blocks in
            // read() until `start` writes a byte.
            try (Fd fifoEnd = Fd.open(fifo, OpenFlags.O_RDWR, 0);
                 Fd console = options.consoleSocket() == null ? null : UnixSocket.connect(options.consoleSocket())) {
                creation.launch = Launch.spawn(Launcher.path(), plan, preserved, fifoEnd, console);
            } finally {
                preserved.forEach(Fd::close);
            }
            if (config.createsNamespace(NamespaceKind.USER)) {
                creation.launch.awaitSync();
                IdMaps.write(creation.launch.launcherPid(), config.uidMappings(), config.gidMappings());
                creation.launch.proceed();
            }
            int pid = creation.launch.awaitPid();
            creation.pid = pid;
            ProcStat stat = ProcStat.read(pid);
            if (stat == null) {
                throw new RuntimeFailure("container init " + pid + " died during create");
            }
            creation.cgroup.addProcess(pid);
            if (config.seccomp() != null && config.seccomp().notifies()) {
                creation.launch.onSeccompListener(listener -> SeccompAgent.send(config.seccomp(), listener, id,
                        ContainerStatus.CREATING, pid, config.bundle().toString(), config.annotations()));
            }
            creation.launch.release();
            if (config.hooks().hasCreateHooks()) {
                runCreateHooks(config, id, pid, creation.launch);
            }
            creation.launch.awaitReady();
            creation.record = new ContainerRecord(OCI_VERSION, id, pid, stat.startTime(),
                    config.bundle().toString(), config.rootfs().toString(), Instant.now().toString(), "",
                    config.annotations(), creation.cgroup.record(), config.hooks());
            store.save(creation.record);
            if (options.pidFile() != null) {
                writePidFile(options.pidFile(), pid);
            }
            return creation;
        } catch (RuntimeException e) {
            creation.undo(e);
            throw e;
        }
    }

    /**
     * At the SYNC before pivot_root: prestart and createRuntime hooks in berth's namespaces, then
     * createContainer hooks in the container's; a failure fails the create (runtime.md).
     */
    private static void runCreateHooks(ContainerConfig config, String id, int pid, Launch launch) {
        launch.awaitSync();
        String state = HookRunner.stateJson(id, ContainerStatus.CREATING, pid, config.bundle().toString(), config.annotations());
        HookRunner.runInRuntimeNamespace("prestart", config.hooks().prestart(), state);
        HookRunner.runInRuntimeNamespace("createRuntime", config.hooks().createRuntime(), state);
        HookRunner.runInContainerNamespace("createContainer", config.hooks().createContainer(), state, pid);
        launch.proceed();
    }

    private static String hookState(ContainerRecord record, ContainerStatus status) {
        return HookRunner.stateJson(record.id(), status, status == ContainerStatus.STOPPED ? 0 : record.pid(),
                record.bundle(), record.annotations());
    }

    /** Everything one create made, so that a failure can take it all back. */
    private final class Creation implements AutoCloseable {
        final String id;
        Cgroup cgroup;
        Launch launch;
        int pid;
        ContainerRecord record;

        Creation(String id) {
            this.id = id;
        }

        ContainerState state() {
            return toState(record);
        }

        void undo(RuntimeException cause) {
            try {
                if (launch != null) {
                    launch.close();
                }
                if (pid > 0) {
                    killAndWait(pid, cgroup);
                }
                if (cgroup != null) {
                    cgroup.destroy();
                }
                store.remove(id);
            } catch (RuntimeException cleanup) {
                cause.addSuppressed(cleanup);
            }
        }

        @Override
        public void close() {
            if (launch != null) {
                launch.close();
            }
        }
    }

    private static void copyConfig(Path from, Path to) {
        try {
            Files.copy(from, to);
        } catch (IOException e) {
            throw new RuntimeFailure("copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    /** The process of config.json as the container was created with it: the template of `exec`. */
    public dev.berth.spec.Process containerProcess(String id) {
        requireRecord(id);
        return BundleLoader.readSpec(store.dir(id).resolve(StateStore.CONFIG_COPY)).process();
    }

    /**
     * Runs {@code process} in the running container {@code id}. Unless detached, waits and returns
     * its exit code (128+signal when killed); detached, returns 0 once it runs.
     */
    public int exec(String id, dev.berth.spec.Process process, ExecOptions options) {
        ContainerRecord record = requireRecord(id);
        ContainerStatus status = status(record);
        if (status == ContainerStatus.STOPPED) {
            throw new RuntimeFailure("cannot exec in a stopped container");
        }
        if (status == ContainerStatus.PAUSED) {
            throw new RuntimeFailure("cannot exec in a paused container");
        }
        if (status == ContainerStatus.CREATED) {
            throw new RuntimeFailure("cannot exec in a created container; start it first");
        }
        ProcessConfig config = BundleLoader.execProcess(process);
        // The exec'd process is held to the container's seccomp profile, as runc does.
        dev.berth.spec.Linux linux = BundleLoader.readSpec(store.dir(id).resolve(StateStore.CONFIG_COPY)).linux();
        var seccomp = BundleLoader.execSeccomp(linux == null ? null : linux.seccomp());
        var personality = BundleLoader.execPersonality(linux == null ? null : linux.personality());
        if (!options.detach()) {
            Processes.setChildSubreaper();
        }
        int pid = ContainerExec.start(record.pid(), cgroupOf(record), config, seccomp, personality, options, record);
        if (options.detach()) {
            detachedExecs.computeIfAbsent(record.cgroup(), k -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(pid);
        }
        if (options.pidFile() != null) {
            writePidFile(options.pidFile(), pid);
        }
        return options.detach() ? 0 : ContainerExec.await(pid);
    }

    private static void writePidFile(Path pidFile, int pid) {
        try {
            Path tmp = pidFile.resolveSibling("." + pidFile.getFileName() + ".tmp");
            Files.writeString(tmp, Integer.toString(pid));
            Files.move(tmp, pidFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RuntimeFailure("write pid file " + pidFile + ": " + e.getMessage(), e);
        }
    }

    /** Lets a created container exec its process. */
    public void start(String id) {
        start(requireRecord(id));
    }

    private void start(ContainerRecord record) {
        String id = record.id();
        ContainerStatus status = status(record);
        switch (status) {
            case CREATED -> { }
            case STOPPED -> throw new RuntimeFailure("cannot start a container that has stopped");
            case RUNNING -> throw new RuntimeFailure("cannot start an already running container");
            default -> throw new RuntimeFailure("cannot start a container in the " + status.word() + " state");
        }
        try {
            HookRunner.runInContainerNamespace("startContainer", record.hooks().startContainer(),
                    hookState(record, ContainerStatus.CREATED), record.pid());
        } catch (HookRunner.HookFailure e) {
            // runtime.md: a failing startContainer hook stops the container.
            signalQuietly(record.pid(), Signals.SIGKILL);
            throw e;
        }
        Path fifo = store.execFifo(id);
        // O_NONBLOCK: opening for writing fails with ENXIO instead of hanging when no process has
        // the fifo open for reading, i.e. the init is gone (fifo(7)).
        try (Fd writer = Fd.open(fifo, OpenFlags.O_WRONLY | OpenFlags.O_NONBLOCK, 0)) {
            writer.write(new byte[] {0});
        } catch (SyscallException e) {
            throw new RuntimeFailure("start container " + id + ": the container process is not waiting ("
                    + e.getMessage() + ")", e);
        }
        try {
            Files.deleteIfExists(fifo);
        } catch (IOException e) {
            throw new RuntimeFailure("remove " + fifo + ": " + e.getMessage(), e);
        }
        runWarningOnly("poststart", () -> HookRunner.runInRuntimeNamespace("poststart", record.hooks().poststart(),
                hookState(record, ContainerStatus.RUNNING)));
    }

    /** poststart and poststop failures are warnings: the lifecycle goes on (runtime.md). */
    private static void runWarningOnly(String phase, Runnable hooks) {
        try {
            hooks.run();
        } catch (RuntimeFailure e) {
            log().log(System.Logger.Level.WARNING, "{0}", e.getMessage());
        }
    }

    public ContainerState state(String id) {
        ContainerRecord record = store.load(id);
        if (record == null) {
            return new ContainerState(OCI_VERSION, id, ContainerStatus.CREATING, 0, null, null, null, "", java.util.Map.of());
        }
        return toState(record);
    }

    private ContainerState toState(ContainerRecord record) {
        ContainerStatus status = status(record);
        return new ContainerState(record.ociVersion(), record.id(), status,
                status == ContainerStatus.STOPPED ? 0 : record.pid(), Path.of(record.bundle()),
                Path.of(record.rootfs()), Instant.parse(record.created()), record.owner(),
                record.annotations() == null ? java.util.Map.of() : record.annotations());
    }

    private ContainerStatus status(ContainerRecord record) {
        if (!ProcStat.isRunning(record.pid(), record.pidStartTime())) {
            return ContainerStatus.STOPPED;
        }
        if (Files.exists(store.execFifo(record.id()))) {
            return ContainerStatus.CREATED;
        }
        return cgroupOf(record).freezerState() == FreezerState.FROZEN
                ? ContainerStatus.PAUSED : ContainerStatus.RUNNING;
    }

    /** Freezes every process of a running container (freezer v1, cgroup.freeze v2). */
    public void pause(String id) {
        ContainerRecord record = requireRecord(id);
        ContainerStatus status = status(record);
        if (status != ContainerStatus.RUNNING) {
            throw new RuntimeFailure("container not running" + (status == ContainerStatus.PAUSED ? ": already paused" : ""));
        }
        cgroupOf(record).freeze();
    }

    public void resume(String id) {
        ContainerRecord record = requireRecord(id);
        if (status(record) != ContainerStatus.PAUSED) {
            throw new RuntimeFailure("container not paused");
        }
        cgroupOf(record).thaw();
    }

    /** Changes the resource limits of a created, running or paused container; only the fields set. */
    public void update(String id, Resources resources) {
        ContainerRecord record = requireRecord(id);
        if (status(record) == ContainerStatus.STOPPED) {
            throw new RuntimeFailure("container not running");
        }
        cgroupOf(record).update(resources);
    }

    /** Host PIDs of every process in the container (its cgroup and the cgroups below). */
    public List<Integer> processes(String id) {
        ContainerRecord record = requireRecord(id);
        if (status(record) == ContainerStatus.STOPPED) {
            return List.of();
        }
        return cgroupOf(record).processes();
    }

    /** Resource usage now, in runc's `events --stats` terms. */
    public Stats stats(String id) {
        ContainerRecord record = requireRecord(id);
        if (status(record) == ContainerStatus.STOPPED) {
            throw new RuntimeFailure("container not running");
        }
        return cgroupOf(record).stats();
    }

    /** How many processes the OOM killer has killed in the container so far. */
    public long oomKills(String id) {
        return cgroupOf(requireRecord(id)).oomKillCount();
    }

    private ContainerRecord requireRecord(String id) {
        ContainerRecord record = store.load(id);
        if (record == null) {
            throw new RuntimeFailure("container " + id + " is still being created");
        }
        return record;
    }

    /** Sends {@code signal} to the container process, or with {@code all} to all its processes. */
    public void kill(String id, int signal, boolean all) {
        ContainerRecord record = requireRecord(id);
        if (status(record) == ContainerStatus.STOPPED) {
            throw new RuntimeFailure("container not running");
        }
        Cgroup cgroup = cgroupOf(record);
        if (all) {
            for (int pid : cgroup.processes()) {
                signalQuietly(pid, signal);
            }
        } else {
            Processes.kill(record.pid(), signal);
        }
        if (signal == Signals.SIGKILL && cgroup.freezerState() != FreezerState.THAWED) {
            // Frozen tasks do not die until thawed: let SIGKILL finish what it was sent to do.
            cgroup.thaw();
        }
    }

    private static void signalQuietly(int pid, int signal) {
        try {
            Processes.kill(pid, signal);
        } catch (SyscallException e) {
            // ESRCH: it exited between listing and signalling, which is what we wanted anyway.
        }
    }

    /** Removes a stopped or created (or, with {@code force}, any) container and all it made. */
    public void delete(String id, boolean force) {
        ContainerRecord record = store.load(id);
        if (record == null) {
            if (!force) {
                throw new RuntimeFailure("container " + id + " is still being created");
            }
            store.remove(id);
            return;
        }
        delete(record, force);
    }

    private void delete(ContainerRecord record, boolean force) {
        String id = record.id();
        ContainerStatus status = status(record);
        if (status == ContainerStatus.RUNNING && !force) {
            throw new RuntimeFailure("cannot delete container " + id + " that is not stopped: running");
        }
        Cgroup cgroup = cgroupOf(record);
        if (status != ContainerStatus.STOPPED) {
            if (status == ContainerStatus.PAUSED) {
                // A frozen process cannot die: thaw right after SIGKILL is queued (runc does too).
                signalQuietly(record.pid(), Signals.SIGKILL);
                cgroup.thaw();
            }
            killAndWait(record.pid(), cgroup);
        } else {
            // The init is gone, but without a pid namespace its children may not be; and if we
            // are its subreaper, its zombie is ours to reap.
            reapExecChildren(cgroup);
            killRemaining(cgroup);
            waitGone(record.pid(), record.pidStartTime());
        }
        cgroup.destroy();
        store.remove(id);
        runWarningOnly("poststop", () -> HookRunner.runInRuntimeNamespace("poststop", record.hooks().poststop(),
                hookState(record, ContainerStatus.STOPPED)));
    }

    /**
     * SIGKILL the init (in a new pid namespace that kills every process in it,
     * pid_namespaces(7)) and every other process in the cgroup, then wait until they are gone.
     */
    private void killAndWait(int pid, Cgroup cgroup) {
        signalQuietly(pid, Signals.SIGKILL);
        reapExecChildren(cgroup);
        killRemaining(cgroup);
        waitGone(pid, -1);
    }

    /**
     * Processes this JVM exec'd detached into a container are its children when it is a
     * subreaper, and live in the container's pid namespace: until they are reaped, the namespace's
     * init cannot finish exiting (zap_pid_ns_processes waits for them), so delete reaps them.
     */
    private void reapExecChildren(Cgroup cgroup) {
        if (cgroup == null) {
            return;
        }
        java.util.Set<Integer> children = detachedExecs.remove(cgroup.record());
        if (children == null) {
            return;
        }
        for (int child : children) {
            signalQuietly(child, Signals.SIGKILL);
            try {
                Processes.waitpid(child, false);
            } catch (SyscallException e) {
                // ECHILD: another process reaped it (or it was never ours)
            }
        }
    }

    private void killRemaining(Cgroup cgroup) {
        if (cgroup == null || !cgroup.exists()) {
            return;
        }
        for (int attempt = 0; attempt < 200; attempt++) {
            List<Integer> pids = cgroup.processes();
            if (pids.isEmpty()) {
                return;
            }
            for (int pid : pids) {
                signalQuietly(pid, Signals.SIGKILL);
                reapIfChild(pid);
            }
            sleep(attempt);
        }
        throw new RuntimeFailure("processes of the container survive SIGKILL: " + cgroup.processes());
    }

    /** @param startTime the process's start time, or -1 if it was never read */
    private static void waitGone(int pid, long startTime) {
        for (int attempt = 0; attempt < 500; attempt++) {
            ProcStat stat = ProcStat.read(pid);
            if (stat == null || (startTime >= 0 && stat.startTime() != startTime)) {
                return; // gone, and maybe its PID already reused by another process
            }
            if (stat.isZombieOrDead() && !reapIfChild(pid)) {
                return; // a zombie whose parent (e.g. a shim) will reap it: it holds nothing
            }
            sleep(attempt);
        }
        throw new RuntimeFailure("container process " + pid + " did not exit after SIGKILL");
    }

    /** Reaps {@code pid} if it is our child (we are a subreaper in `run`); false if it is not. */
    private static boolean reapIfChild(int pid) {
        try {
            return Processes.waitpid(pid, true) != null;
        } catch (SyscallException e) {
            return false; // ECHILD: not ours to reap
        }
    }

    private static void sleep(int attempt) {
        try {
            Thread.sleep(attempt < 20 ? 1 : 10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("interrupted while waiting for the container to exit");
        }
    }

    /**
     * create + start; unless {@code detach}, waits, deletes the container and returns its exit
     * code (128+signal when killed by a signal, as a shell reports it).
     */
    public int run(String id, Path bundle, CreateOptions options, boolean detach) {
        if (!detach) {
            // The launcher exits after forking the init; as subreaper we inherit the init and can
            // waitpid(2) for its status (PR_SET_CHILD_SUBREAPER, prctl(2)).
            Processes.setChildSubreaper();
        }
        Creation creation = createAndKeepLaunch(id, bundle, options);
        int pid = creation.pid;
        // Forward signals from before start on: once the process runs, a signal sent to berth
        // must never be lost to the gap before the forwarding is in place.
        SignalForwarding forwarding = detach ? null : SignalForwarding.to(pid);
        WaitStatus status;
        try {
            try (creation) {
                start(creation.record);
                creation.launch.awaitExec();
            } catch (RuntimeException e) {
                creation.undo(e);
                throw e;
            }
            if (detach) {
                return 0;
            }
            status = Processes.waitpid(pid, false);
        } finally {
            if (forwarding != null) {
                forwarding.close();
            }
        }
        delete(creation.record, true);
        return status.shellCode();
    }

    public List<ContainerState> list() {
        List<ContainerState> states = new ArrayList<>();
        for (String id : store.ids()) {
            try {
                states.add(state(id));
            } catch (ContainerNotFoundException e) {
                // deleted while we listed
            }
        }
        return states;
    }
}
