package dev.berth.cgroups;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A temp directory laid out like /sys/fs/cgroup whose {@link CgroupFiles} primitives do what
 * cgroupfs does by itself: mkdir populates the control files of the hierarchy's controllers,
 * rmdir removes them and refuses (EBUSY) while the cgroup has processes or children, writes to
 * cgroup.procs add a pid, writes to cgroup.subtree_control enable controllers in the children.
 * Every successful write is recorded, in order.
 */
final class FakeCgroupTree extends CgroupFiles {
    /** What the kernel does on a write to one kind of file, in place of storing the value. */
    @FunctionalInterface
    interface WriteEffect {
        void apply(Path file, String value) throws IOException;
    }

    record Write(String file, String value) {
        @Override
        public String toString() {
            return file + "=" + value;
        }
    }

    private final Path root;
    /** v1 mount point to its controllers; v2 mounts are in {@link #v2Mounts}. */
    private final Map<Path, Set<String>> v1Hierarchies = new LinkedHashMap<>();
    private final Set<Path> v2Mounts = new LinkedHashSet<>();
    private final Map<String, String> failures = new HashMap<>();
    private final Map<String, String> oneShotFailures = new HashMap<>();
    private final Map<Path, String> readFailures = new HashMap<>();
    private final Map<String, WriteEffect> writeEffects = new HashMap<>();
    final List<Write> writes = new ArrayList<>();

    // Kernel features the tests switch off.
    boolean swapAccounting = true;
    boolean kernelMemory = true;
    /** "cfq" (blkio.weight), "bfq" (blkio.bfq.weight / io.bfq.weight) or "none". */
    String ioWeights = "bfq";

    FakeCgroupTree(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** A v1 hierarchy with {@code controllers} co-mounted at root/<controllers joined by ','>. */
    Path addV1(String... controllers) throws IOException {
        Path mount = root.resolve(String.join(",", controllers));
        Files.createDirectories(mount);
        v1Hierarchies.put(mount, Set.of(controllers));
        populate(mount, Set.of(controllers), false);
        if (Set.of(controllers).contains("cpuset")) {
            Files.writeString(mount.resolve("cpuset.cpus"), "0-3\n");
            Files.writeString(mount.resolve("cpuset.mems"), "0\n");
        }
        return mount;
    }

    /** A cgroup2 hierarchy at root/name whose root offers and enables the given controllers. */
    Path addV2(String name, String offered, String enabled) throws IOException {
        Path mount = root.resolve(name);
        Files.createDirectories(mount);
        v2Mounts.add(mount);
        Files.writeString(mount.resolve("cgroup.procs"), "");
        Files.writeString(mount.resolve("cgroup.controllers"), offered + "\n");
        Files.writeString(mount.resolve("cgroup.subtree_control"), enabled + "\n");
        return mount;
    }

    /** controller -> mount, as CgroupDriver.v1 wants it. */
    Map<String, Path> v1Mounts() {
        Map<String, Path> mounts = new LinkedHashMap<>();
        v1Hierarchies.forEach((mount, controllers) -> controllers.forEach(c -> mounts.put(c, mount)));
        return mounts;
    }

    /** Makes writes to files called {@code name} fail with the given strerror text. */
    void failWrites(String name, String strerror) {
        failures.put(name, strerror);
    }

    /** Makes only the next write to a file called {@code name} fail with the given strerror text. */
    void failNextWrite(String name, String strerror) {
        oneShotFailures.put(name, strerror);
    }

    /** Makes reads of {@code file} fail with the given strerror text. */
    void failReads(Path file, String strerror) {
        readFailures.put(file, strerror);
    }

    /** Runs {@code effect} for writes to files called {@code name} instead of storing the value. */
    void onWrite(String name, WriteEffect effect) {
        writeEffects.put(name, effect);
    }

    /**
     * Copies the sample files of resource directory samples/{@code sample} (real cgroupfs output,
     * see samples/README.md) into {@code dir}, replacing the files mkdir made.
     */
    static void copySamples(String sample, Path dir) throws IOException {
        Path from;
        try {
            from = Path.of(FakeCgroupTree.class.getResource("samples/" + sample).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, dir.resolve(file.getFileName().toString()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Values written to files called {@code name}, in order. */
    List<String> written(String name) {
        return writes.stream().filter(w -> Path.of(w.file).getFileName().toString().equals(name))
                .map(Write::value).toList();
    }

    /** "relative/file=value" for every write to one of the named files, in order. */
    List<String> order(String... names) {
        Set<String> wanted = Set.of(names);
        return writes.stream().filter(w -> wanted.contains(Path.of(w.file).getFileName().toString()))
                .map(Write::toString).toList();
    }

    String read(Path file) throws IOException {
        return Files.readString(file).strip();
    }

    /** Pre-creates a cgroup (as if made by someone else), populated like mkdir would. */
    Path precreate(Path dir) throws IOException {
        for (Path level : levelsBelowMount(dir)) {
            if (!Files.isDirectory(level)) {
                mkdirRaw(level);
            }
        }
        return dir;
    }

    /** Every directory under the tree, for asserting exactly what is left. */
    List<String> allDirs() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isDirectory).filter(p -> !p.equals(root))
                    .map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    // ---- what cgroupfs does ----------------------------------------------------------------

    @Override
    void mkdirRaw(Path dir) throws IOException {
        Files.createDirectory(dir);
        Path mount = mountOf(dir);
        if (v2Mounts.contains(mount)) {
            String offered = read(dir.getParent().resolve("cgroup.subtree_control"));
            Files.writeString(dir.resolve("cgroup.controllers"), offered + "\n");
            Files.writeString(dir.resolve("cgroup.subtree_control"), "\n");
            populate(dir, words(offered), true);
        } else {
            populate(dir, v1Hierarchies.get(mount), false);
        }
    }

    @Override
    void rmdirRaw(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString());
        }
        boolean busy = !read(dir.resolve("cgroup.procs")).isEmpty();
        try (Stream<Path> entries = Files.list(dir)) {
            busy |= entries.anyMatch(Files::isDirectory);
        }
        if (busy) {
            throw new FileSystemException(dir.toString(), null, "Device or resource busy");
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path file : entries.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    @Override
    void writeRaw(Path file, String value) throws IOException {
        String name = file.getFileName().toString();
        if (failures.containsKey(name)) {
            throw new IOException(failures.get(name)); // what FileChannel.write throws
        }
        if (oneShotFailures.containsKey(name)) {
            throw new IOException(oneShotFailures.remove(name));
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        switch (name) {
            case String n when writeEffects.containsKey(n) -> writeEffects.get(n).apply(file, value);
            case "cgroup.procs" -> Files.writeString(file, value + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            case "cgroup.subtree_control" -> enable(file.getParent(), value);
            default -> super.writeRaw(file, value);
        }
        writes.add(new Write(root.relativize(file).toString(), value));
    }

    @Override
    String readRaw(Path file) throws IOException {
        String failure = readFailures.get(file);
        if (failure != null) {
            throw new FileSystemException(file.toString(), null, failure);
        }
        return super.readRaw(file);
    }

    /** "+ctrl": must be offered by the dir; the children gain the controller's files. */
    private void enable(Path dir, String value) throws IOException {
        String controller = value.substring(1);
        if (!value.startsWith("+") || !words(read(dir.resolve("cgroup.controllers"))).contains(controller)) {
            throw new IOException("No such file or directory");
        }
        Set<String> enabled = new LinkedHashSet<>(words(read(dir.resolve("cgroup.subtree_control"))));
        enabled.add(controller);
        Files.writeString(dir.resolve("cgroup.subtree_control"), String.join(" ", enabled) + "\n");
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path child : entries.filter(Files::isDirectory).toList()) {
                Set<String> offered = new LinkedHashSet<>(words(read(child.resolve("cgroup.controllers"))));
                offered.add(controller);
                Files.writeString(child.resolve("cgroup.controllers"), String.join(" ", offered) + "\n");
                populate(child, Set.of(controller), true);
            }
        }
    }

    private void populate(Path dir, Set<String> controllers, boolean v2) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.putIfAbsent("cgroup.procs", "");
        if (v2) {
            files.put("cgroup.freeze", "0");
            files.put("cgroup.events", "populated 0\nfrozen 0");
            files.put("cgroup.kill", "");
            files.put("cgroup.max.descendants", "max");
        }
        for (String controller : controllers) {
            files.putAll(v2 ? v2Files(controller) : v1Files(controller));
        }
        for (var entry : files.entrySet()) {
            Path file = dir.resolve(entry.getKey());
            if (!Files.exists(file)) {
                Files.writeString(file, entry.getValue().isEmpty() ? "" : entry.getValue() + "\n");
            }
        }
    }

    private Map<String, String> v1Files(String controller) {
        Map<String, String> f = new LinkedHashMap<>();
        switch (controller) {
            case "memory" -> {
                f.put("memory.limit_in_bytes", "9223372036854771712");
                f.put("memory.soft_limit_in_bytes", "9223372036854771712");
                if (swapAccounting) {
                    f.put("memory.memsw.limit_in_bytes", "9223372036854771712");
                }
                if (kernelMemory) {
                    f.put("memory.kmem.limit_in_bytes", "9223372036854771712");
                    f.put("memory.kmem.tcp.limit_in_bytes", "9223372036854771712");
                }
                f.put("memory.swappiness", "60");
                f.put("memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0");
            }
            case "cpu" -> {
                f.put("cpu.shares", "1024");
                f.put("cpu.cfs_period_us", "100000");
                f.put("cpu.cfs_quota_us", "-1");
                f.put("cpu.cfs_burst_us", "0");
                f.put("cpu.rt_period_us", "1000000");
                f.put("cpu.rt_runtime_us", "0");
                f.put("cpu.idle", "0");
            }
            case "cpuset" -> {
                f.put("cpuset.cpus", "");
                f.put("cpuset.mems", "");
            }
            case "pids" -> f.put("pids.max", "max");
            case "blkio" -> {
                if (ioWeights.equals("cfq")) {
                    f.put("blkio.weight", "500");
                    f.put("blkio.weight_device", "");
                    f.put("blkio.leaf_weight", "500");
                    f.put("blkio.leaf_weight_device", "");
                } else if (ioWeights.equals("bfq")) {
                    f.put("blkio.bfq.weight", "100");
                    f.put("blkio.bfq.weight_device", "");
                }
                for (String t : List.of("read_bps", "write_bps", "read_iops", "write_iops")) {
                    f.put("blkio.throttle." + t + "_device", "");
                }
            }
            case "devices" -> {
                f.put("devices.allow", "");
                f.put("devices.deny", "");
                f.put("devices.list", "a *:* rwm");
            }
            case "hugetlb" -> f.put("hugetlb.2MB.limit_in_bytes", "9223372036854771712");
            case "freezer" -> f.put("freezer.state", "THAWED");
            default -> { }
        }
        return f;
    }

    private Map<String, String> v2Files(String controller) {
        Map<String, String> f = new LinkedHashMap<>();
        switch (controller) {
            case "memory" -> {
                f.put("memory.max", "max");
                f.put("memory.low", "0");
                f.put("memory.high", "max");
                if (swapAccounting) {
                    f.put("memory.swap.max", "max");
                }
            }
            case "cpu" -> {
                f.put("cpu.weight", "100");
                f.put("cpu.max", "max 100000");
                f.put("cpu.max.burst", "0");
                f.put("cpu.idle", "0");
            }
            case "cpuset" -> {
                f.put("cpuset.cpus", "");
                f.put("cpuset.mems", "");
            }
            case "pids" -> f.put("pids.max", "max");
            case "io" -> {
                f.put("io.max", "");
                if (ioWeights.equals("bfq")) {
                    f.put("io.bfq.weight", "default 100");
                } else if (ioWeights.equals("cfq")) {
                    f.put("io.weight", "default 100"); // io.cost's file, for the non-BFQ path
                }
            }
            case "hugetlb" -> f.put("hugetlb.2MB.max", "max");
            default -> { }
        }
        return f;
    }

    private Path mountOf(Path dir) {
        return Stream.concat(v1Hierarchies.keySet().stream(), v2Mounts.stream())
                .filter(dir::startsWith).max(Comparator.comparingInt(Path::getNameCount))
                .orElseThrow(() -> new IllegalArgumentException(dir + " is in no fake hierarchy"));
    }

    private List<Path> levelsBelowMount(Path dir) {
        Path mount = mountOf(dir);
        List<Path> levels = new ArrayList<>();
        Path level = mount;
        for (Path name : mount.relativize(dir)) {
            level = level.resolve(name);
            levels.add(level);
        }
        return levels;
    }

    private static Set<String> words(String content) {
        return content.isBlank() ? Set.of() : new LinkedHashSet<>(Arrays.asList(content.trim().split("\\s+")));
    }
}
