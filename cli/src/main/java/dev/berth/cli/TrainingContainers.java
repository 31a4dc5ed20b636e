package dev.berth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The real containers of the AOT training: a busybox bundle and a --root in the training's temp
 * directory, driven through {@link Main#execute} as containerd drives runc (run of {@code true};
 * create, state, list, start, exec, ps, pause, resume, update, events --stats, kill, delete of a
 * {@code sleep}). Whatever happens, both containers are deleted and their cgroups checked to be
 * gone before the training ends.
 */
final class TrainingContainers {
    static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
    /** ELF program header type of the dynamic loader's path (elf(5)); a static binary has none. */
    private static final int PT_INTERP = 3;

    private final Path bundle;
    private final Path root;
    private final Path work;
    /** IDs unique on the host, so that a concurrent build or test cannot collide with ours. */
    private final String runId;
    private final String lifecycleId;

    TrainingContainers(Path work) {
        this.work = work;
        this.bundle = work.resolve("bundle");
        this.root = work.resolve("root");
        String prefix = "aot-training-" + ProcessHandle.current().pid();
        this.runId = prefix + "-run";
        this.lifecycleId = prefix + "-lifecycle";
    }

    /** Why no container can run here, or null if they can. */
    static String missingPrerequisite() throws IOException {
        if (!isRoot()) {
            return "not root";
        }
        if (!Files.isExecutable(BUSYBOX)) {
            return BUSYBOX + " missing";
        }
        if (!isStatic(BUSYBOX)) {
            return BUSYBOX + " is not statically linked";
        }
        String launcher = System.getProperty("berth.launcher");
        if (launcher == null || !Files.isExecutable(Path.of(launcher))) {
            return "no berth-launcher at -Dberth.launcher=" + launcher;
        }
        return null;
    }

    /** The effective uid is the second field of the Uid: line of /proc/self/status (proc(5)). */
    private static boolean isRoot() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[2].equals("0");
            }
        }
        return false;
    }

    /**
     * A 64-bit ELF file without a PT_INTERP program header, i.e. one that needs no dynamic loader
     * or libraries inside the container (elf(5): e_phoff at 0x20, e_phentsize at 0x36, e_phnum at
     * 0x38; p_type first in each header).
     */
    static boolean isStatic(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(64 * 1024); // the program headers follow the ELF header
        }
        if (bytes.length < 64 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F'
                || bytes[4] != 2) {
            return false;
        }
        ByteBuffer elf = ByteBuffer.wrap(bytes).order(bytes[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long offset = elf.getLong(0x20);
        int size = Short.toUnsignedInt(elf.getShort(0x36));
        int count = Short.toUnsignedInt(elf.getShort(0x38));
        if (offset + (long) size * count > bytes.length) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (elf.getInt((int) offset + i * size) == PT_INTERP) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs the containers; whatever happens, then removes them. Returns false only if something
     * of theirs is left on the host; a container that fails is reported and otherwise only makes
     * the cache cover less.
     */
    boolean train() {
        List<String> left;
        try {
            run();
        } catch (IOException | RuntimeException | TrainingFailure e) {
            System.err.println("AOT training: a training container failed, so the cache covers less of"
                    + " `run` and `create`: " + (e.getMessage() == null ? e : e.getMessage()));
        } finally {
            left = removeAll();
        }
        if (!left.isEmpty()) {
            System.err.println("AOT training: could not remove: " + String.join(", ", left));
        }
        return left.isEmpty();
    }

    /** The containers' steps; stops at the first that fails. */
    void run() throws IOException, TrainingFailure {
        buildRootfs(Files.createDirectories(bundle.resolve("rootfs")));
        runTrue();
        lifecycle();
    }

    private void runTrue() throws IOException, TrainingFailure {
        Files.writeString(bundle.resolve("config.json"), config(List.of("true"), cgroupsPath(runId)));
        expect("--root", root.toString(), "run", "--bundle", bundle.toString(), runId);
    }

    /** containerd's sequence, global flags first as it passes them. */
    private void lifecycle() throws IOException, TrainingFailure {
        // Long enough to be created, started and killed; short enough to end by itself should the
        // build be killed before it could delete the container.
        Files.writeString(bundle.resolve("config.json"), config(List.of("sleep", "30"), cgroupsPath(lifecycleId)));
        String log = work.resolve("log.json").toString();
        String id = lifecycleId;
        expect("--root", root.toString(), "--log", log, "--log-format", "json", "create", "--bundle",
                bundle.toString(), "--pid-file", work.resolve("pid").toString(), id);
        expectStatus(id, "created");
        expect("--root", root.toString(), "list");
        expect("--root", root.toString(), "list", "--format", "json");
        expect("--root", root.toString(), "--log", log, "--log-format", "json", "start", id);
        expectStatus(id, "running");
        runningVerbs(id, log);
        expect("--root", root.toString(), "--log", log, "--log-format", "json", "kill", id, "KILL");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!status(id).contains("\"status\": \"stopped\"")) {
            if (System.nanoTime() > deadline) {
                throw new TrainingFailure("container " + id + " still not stopped 10 s after SIGKILL");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        expect("--root", root.toString(), "--log", log, "--log-format", "json", "delete", id);
    }

    /** What containerd and Podman do to a running container: exec, ps, pause/resume, update, stats. */
    private void runningVerbs(String id, String log) throws IOException, TrainingFailure {
        String[] global = {"--root", root.toString(), "--log", log, "--log-format", "json"};
        expect(concat(global, "exec", id, "true"));
        Path process = Files.writeString(work.resolve("process.json"),
                "{\"user\": {\"uid\": 0, \"gid\": 0}, \"cwd\": \"/\", \"args\": [\"true\"]}");
        expect(concat(global, "exec", "--process", process.toString(), "--pid-file", work.resolve("exec.pid").toString(), id));
        expect(concat(global, "ps", "--format", "json", id));
        expect(concat(global, "ps", id));
        expect(concat(global, "pause", id));
        expectStatus(id, "paused");
        expect(concat(global, "resume", id));
        expectStatus(id, "running");
        expect(concat(global, "update", "--memory", "128m", "--pids-limit", "100", id));
        Path resources = Files.writeString(work.resolve("resources.json"), "{\"pids\": {\"limit\": 200}}");
        expect(concat(global, "update", "--resources", resources.toString(), id));
        expect(concat(global, "events", "--stats", id));
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }

    private String status(String id) throws TrainingFailure {
        return expect("--root", root.toString(), "state", id);
    }

    private void expectStatus(String id, String status) throws TrainingFailure {
        String state = status(id);
        if (!state.contains("\"status\": \"" + status + "\"")) {
            throw new TrainingFailure("container " + id + " is not " + status + ": " + state);
        }
    }

    private static String expect(String... args) throws TrainingFailure {
        AotTraining.Output output = AotTraining.execute(args);
        if (output.exitCode() != 0) {
            throw new TrainingFailure(String.join(" ", args) + " exited " + output.exitCode() + ": "
                    + output.text().strip());
        }
        return output.text();
    }

    /**
     * delete --force of both containers, then a look at what might remain: their state
     * directories and their cgroups in every hierarchy (cgroup v1 controllers and the v2 tree).
     * A cgroup that still holds a (non-zombie) process cannot be removed (cgroups(7)), so no
     * cgroup left means no running process left either. Returns what remains.
     */
    List<String> removeAll() {
        List<String> left = new ArrayList<>();
        for (String id : List.of(runId, lifecycleId)) {
            if (Files.exists(root.resolve(id))) {
                AotTraining.execute("--root", root.toString(), "delete", "--force", id);
            }
            if (Files.exists(root.resolve(id))) {
                left.add("state of " + id + " in " + root);
            }
            left.addAll(cgroupsOf(id));
        }
        return left;
    }

    private static List<String> cgroupsOf(String id) {
        String relative = cgroupsPath(id).substring(1);
        List<String> found = new ArrayList<>();
        if (Files.isDirectory(CGROUP_ROOT.resolve(relative))) {
            found.add(CGROUP_ROOT.resolve(relative).toString()); // a pure cgroup v2 host
        }
        try (Stream<Path> hierarchies = Files.list(CGROUP_ROOT)) {
            for (Path hierarchy : hierarchies.toList()) {
                if (Files.isDirectory(hierarchy.resolve(relative))) {
                    found.add(hierarchy.resolve(relative).toString());
                }
            }
        } catch (IOException e) {
            found.add("cannot list " + CGROUP_ROOT + " (" + e.getMessage() + ")");
        }
        return found;
    }

    private static String cgroupsPath(String id) {
        return "/berth-" + id;
    }

    /** Debian's busybox with the applets the containers run, as symlinks (busybox picks by argv[0]). */
    private static void buildRootfs(Path rootfs) throws IOException {
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        for (String applet : List.of("true", "sleep", "sh")) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        for (String dir : List.of("proc", "sys", "dev", "tmp", "etc")) {
            Files.createDirectories(rootfs.resolve(dir));
        }
    }

    /**
     * What containerd hands runc: `runc spec`'s config (namespaces, mounts, masked paths, the
     * default capabilities) without a terminal, with a cgroups path and limits, so that the
     * training walks the cgroup writes as well. Without {@code cgroupsPath} the runtime picks one.
     * (String.replace rather than String.format: the training would put java.util.Formatter into
     * the cache, i.e. into every start, and no verb needs it.)
     */
    static String config(List<String> args, String cgroupsPath) {
        return """
                {
                  "ociVersion": "1.2.0",
                  "process": {
                    "terminal": false,
                    "user": {"uid": 0, "gid": 0},
                    "args": [ARGS],
                    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
                    "cwd": "/",
                    "capabilities": {
                      "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                      "effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                      "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
                    },
                    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
                    "noNewPrivileges": true
                  },
                  "root": {"path": "rootfs", "readonly": true},
                  "hostname": "berth-aot-training",
                  "mounts": [
                    {"destination": "/proc", "type": "proc", "source": "proc"},
                    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                    {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
                    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
                    {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
                    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
                    {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}
                  ],
                  "linux": {
                    CGROUPS_PATH
                    "resources": {
                      "devices": [{"allow": false, "access": "rwm"}],
                      "memory": {"limit": 268435456},
                      "cpu": {"shares": 1024},
                      "pids": {"limit": 1024}
                    },
                    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}],
                    "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                      "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
                    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
                  }
                }
                """.replace("ARGS", String.join(", ", args.stream().map(GoJson::quote).toList()))
                .replace("CGROUPS_PATH", cgroupsPath == null ? "" : "\"cgroupsPath\": " + GoJson.quote(cgroupsPath) + ",");
    }

    /** A training step that did not do what it should; the training goes on without containers. */
    static final class TrainingFailure extends Exception {
        TrainingFailure(String message) {
            super(message);
        }
    }
}
