package dev.berth.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The v1 driver on this machine's real hybrid hierarchy (root required). Everything lives under
 * /berth-test-&lt;random&gt; in each hierarchy and is removed in {@link #removeEverythingOfThisTest}.
 */
class RealV1HostTest {
    static final long MIB = 1024 * 1024;

    final String name = "berth-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    final List<Process> processes = new ArrayList<>();
    V1Driver driver;

    @BeforeEach
    void probeThisHost() throws IOException {
        boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
        if (!root) {
            fail("these tests create real cgroups and need to run as root");
        }
        driver = assertInstanceOf(V1Driver.class, CgroupDriver.probe(),
                "this test host is expected to run cgroup v1 (hybrid)");
    }

    @AfterEach
    void removeEverythingOfThisTest() throws IOException, InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly();
            process.waitFor();
        }
        for (Path mount : hierarchyMounts()) {
            Path top = mount.resolve(name);
            if (!Files.isDirectory(top)) {
                continue;
            }
            List<Path> dirs;
            try (Stream<Path> walk = Files.walk(top)) {
                dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
            }
            for (Path dir : dirs) {
                new CgroupFiles().rmdir(dir, true);
            }
        }
    }

    private Set<Path> hierarchyMounts() {
        Set<Path> mounts = new TreeSet<>(driver.mounts().values());
        mounts.add(driver.unifiedMount());
        mounts.add(Path.of("/sys/fs/cgroup/systemd"));
        return mounts;
    }

    private List<Path> leftovers() {
        return hierarchyMounts().stream().map(m -> m.resolve(name)).filter(Files::exists).toList();
    }

    private static String read(String dir, String file) throws IOException {
        return Files.readString(Path.of(dir, file)).strip();
    }

    private Process sleeper() throws IOException {
        Process process = new ProcessBuilder("sleep", "30").start();
        processes.add(process);
        return process;
    }

    @Test
    void probeFindsTheV1ControllersSeparatelyAndTheUnifiedMount() {
        assertEquals("v1", driver.name());
        assertEquals(Path.of("/sys/fs/cgroup/unified"), driver.unifiedMount());
        assertEquals(Path.of("/sys/fs/cgroup/cpu"), driver.mounts().get("cpu"));
        assertEquals(Path.of("/sys/fs/cgroup/cpuacct"), driver.mounts().get("cpuacct"));
        assertFalse(driver.mounts().keySet().stream().anyMatch(c -> c.startsWith("name=")));
    }

    @Test
    void createLimitAttachKillDestroy() throws Exception {
        String device = blockDevice();
        Resources resources = new Resources(
                new Resources.Memory(64 * MIB, null, null, null, null, null, null),
                new Resources.Cpu(null, 50_000L, 100_000L, null, null, "0", "0", null, null),
                new Resources.Pids(16),
                new Resources.BlockIo(null, null, null, List.of(new Resources.ThrottleDevice(
                        Long.parseLong(device.split(":")[0]), Long.parseLong(device.split(":")[1]), MIB)),
                        null, null, null),
                null,
                List.of(new Resources.DeviceRule(false, 'a', null, null, "rwm"),
                        new Resources.DeviceRule(true, 'c', 1L, 3L, "rwm"),
                        new Resources.DeviceRule(true, 'c', 1L, 5L, "rwm")),
                null);

        Cgroup cgroup = driver.create("/" + name + "/c1", resources);
        Map<String, String> paths = cgroup.record().paths();

        assertEquals("/sys/fs/cgroup/unified/" + name + "/c1", paths.get(CgroupRecord.UNIFIED));
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/systemd", name)), "name=systemd is left alone");
        assertEquals(Long.toString(64 * MIB), read(paths.get("memory"), "memory.limit_in_bytes"));
        assertEquals("16", read(paths.get("pids"), "pids.max"));
        assertEquals("50000", read(paths.get("cpu"), "cpu.cfs_quota_us"));
        assertEquals("100000", read(paths.get("cpu"), "cpu.cfs_period_us"));
        assertEquals("0", read(paths.get("cpuset"), "cpuset.cpus"));
        assertEquals("0", read(paths.get("cpuset"), "cpuset.mems"));
        assertEquals(read("/sys/fs/cgroup/cpuset", "cpuset.cpus"),
                read("/sys/fs/cgroup/cpuset/" + name, "cpuset.cpus"), "the created parent inherited its cpus");
        assertEquals(device + " " + MIB, read(paths.get("blkio"), "blkio.throttle.read_bps_device"));
        assertEquals(List.of("c 1:3 rwm", "c 1:5 rwm"), read(paths.get("devices"), "devices.list").lines().toList());

        Process sleep = sleeper();
        int pid = (int) sleep.pid();
        cgroup.addProcess(pid);
        assertTrue(cgroup.processes().contains(pid), cgroup.processes().toString());
        String procCgroup = Files.readString(Path.of("/proc/" + pid + "/cgroup"));
        assertTrue(procCgroup.contains(":memory:/" + name + "/c1\n"), procCgroup);
        assertTrue(procCgroup.contains("0::/" + name + "/c1\n"), "also in the unified hierarchy: " + procCgroup);

        sleep.destroyForcibly();
        sleep.waitFor();
        cgroup.destroy();

        assertEquals(List.of(), leftovers());
        assertFalse(cgroup.exists());
    }

    @Test
    void memoryAndSwapCanBeRaisedAndLoweredBecauseOfTheWriteOrder() throws IOException {
        Cgroup cgroup = driver.create("/" + name + "/m", Res.memory(64 * MIB, 128 * MIB));
        String dir = cgroup.record().paths().get("memory");
        assertEquals(Long.toString(128 * MIB), read(dir, "memory.memsw.limit_in_bytes"));

        cgroup.update(Res.memory(256 * MIB, 512 * MIB)); // the kernel refuses limit > memsw: memsw first
        assertEquals(Long.toString(256 * MIB), read(dir, "memory.limit_in_bytes"));
        assertEquals(Long.toString(512 * MIB), read(dir, "memory.memsw.limit_in_bytes"));

        cgroup.update(Res.memory(32 * MIB, 48 * MIB)); // and memsw < limit: limit first
        assertEquals(Long.toString(32 * MIB), read(dir, "memory.limit_in_bytes"));
        assertEquals(Long.toString(48 * MIB), read(dir, "memory.memsw.limit_in_bytes"));

        cgroup.destroy();
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aValueTheKernelRefusesIsReportedWithErrnoAndNothingIsLeft() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> driver.create("/" + name + "/bad", Res.cpus("4095", null)));

        // CPU 4095 is beyond nr_cpu_ids: bitmap_parselist() answers ERANGE.
        assertEquals("cgroup: write 4095 to /sys/fs/cgroup/cpuset/" + name + "/bad/cpuset.cpus:"
                + " ERANGE (Numerical result out of range)", e.getMessage());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void hugepageLimitsNeedTheRootOfTheUnifiedHierarchyToEnableHugetlb() throws IOException {
        // Here hugetlb is offered by the cgroup2 root but not enabled in its subtree_control, and
        // berth does not change the root: the create must fail and leave nothing behind.
        String rootEnabled = read("/sys/fs/cgroup/unified", "cgroup.subtree_control");
        if (rootEnabled.contains("hugetlb")) {
            fail("this test expects the unified root not to enable hugetlb; it enables: " + rootEnabled);
        }
        CgroupException e = assertThrows(CgroupException.class, () -> driver.create("/" + name + "/h",
                Res.hugepages(new Resources.HugepageLimit("2MB", 4 * MIB))));

        assertEquals("cgroup: controller \"hugetlb\" (needed for hugepageLimits) is not enabled in"
                + " /sys/fs/cgroup/unified/cgroup.subtree_control and berth does not change the hierarchy root's",
                e.getMessage());
        assertEquals(List.of(), leftovers());
        assertEquals(rootEnabled, read("/sys/fs/cgroup/unified", "cgroup.subtree_control"));
    }

    @Test
    void destroyRefusesWhileAProcessIsAliveThenSucceedsFromAReopenedRecord() throws Exception {
        Cgroup cgroup = driver.create("/" + name + "/busy", Resources.NONE);
        Process sleep = sleeper();
        cgroup.addProcess((int) sleep.pid());

        CgroupException e = assertThrows(CgroupException.class, cgroup::destroy);
        assertTrue(e.getMessage().contains("EBUSY (Device or resource busy): the cgroup still has processes ["
                + sleep.pid() + "]"), e.getMessage());

        sleep.destroyForcibly();
        sleep.waitFor();
        CgroupDriver.probe().open(cgroup.record()).destroy();
        assertEquals(List.of(), leftovers());
    }

    /** "maj:min" of a whole disk of this machine, for a throttle rule. */
    private static String blockDevice() throws IOException {
        try (Stream<Path> disks = Files.list(Path.of("/sys/block"))) {
            List<Path> all = disks.sorted().toList();
            Path disk = all.stream().filter(d -> !d.getFileName().toString().matches("(loop|ram|zram).*"))
                    .findFirst().orElse(all.getFirst());
            return Files.readString(disk.resolve("dev")).strip();
        }
    }
}
