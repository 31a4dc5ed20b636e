package dev.berth.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** v1 driver on a fake tree: every file, its format, and the write orders the kernel demands. */
class V1ResourcesTest {
    static final long MIB = 1024 * 1024;

    @TempDir
    Path tmp;
    FakeCgroupTree tree;
    Path unified;

    @BeforeEach
    void layOutTree() throws IOException {
        tree = new FakeCgroupTree(tmp);
        unified = tree.addV2("unified", "hugetlb", "hugetlb");
    }

    private V1Driver driver(String... controllers) throws IOException {
        for (String controller : controllers) {
            tree.addV1(controller);
        }
        return new V1Driver(tree.v1Mounts(), unified, Map.of(), tree);
    }

    private String file(String controller, String relative) throws IOException {
        return tree.read(tmp.resolve(controller).resolve(relative));
    }

    @Test
    void memoryFilesGetEverySetting() throws IOException {
        driver("memory").create("/m", Res.memory(new Resources.Memory(
                64 * MIB, 32 * MIB, 128 * MIB, 8 * MIB, 4 * MIB, 10L, true)));

        assertEquals(Long.toString(64 * MIB), file("memory", "m/memory.limit_in_bytes"));
        assertEquals(Long.toString(32 * MIB), file("memory", "m/memory.soft_limit_in_bytes"));
        assertEquals(Long.toString(128 * MIB), file("memory", "m/memory.memsw.limit_in_bytes"));
        assertEquals(Long.toString(8 * MIB), file("memory", "m/memory.kmem.limit_in_bytes"));
        assertEquals(Long.toString(4 * MIB), file("memory", "m/memory.kmem.tcp.limit_in_bytes"));
        assertEquals("10", file("memory", "m/memory.swappiness"));
        assertEquals("1", file("memory", "m/memory.oom_control"));
    }

    @Test
    void memoryAndSwapAreWrittenInTheOrderThatKeepsMemswAboveTheLimit() throws IOException {
        Cgroup cgroup = driver("memory").create("/m", Res.memory(100 * MIB, 200 * MIB));
        cgroup.update(Res.memory(300 * MIB, 400 * MIB)); // raising: memsw first
        cgroup.update(Res.memory(50 * MIB, 60 * MIB));   // lowering: limit first

        assertEquals(List.of(
                "memory/m/memory.limit_in_bytes=" + 100 * MIB, "memory/m/memory.memsw.limit_in_bytes=" + 200 * MIB,
                "memory/m/memory.memsw.limit_in_bytes=" + 400 * MIB, "memory/m/memory.limit_in_bytes=" + 300 * MIB,
                "memory/m/memory.limit_in_bytes=" + 50 * MIB, "memory/m/memory.memsw.limit_in_bytes=" + 60 * MIB),
                tree.order("memory.limit_in_bytes", "memory.memsw.limit_in_bytes"));
    }

    @Test
    void unlimitedMemoryAlsoLiftsMemswFirst() throws IOException {
        Cgroup cgroup = driver("memory").create("/m", Res.memory(100 * MIB, 100 * MIB));
        cgroup.update(Res.memory(-1L, null));
        assertEquals(List.of("memory/m/memory.memsw.limit_in_bytes=-1", "memory/m/memory.limit_in_bytes=-1"),
                tree.order("memory.limit_in_bytes", "memory.memsw.limit_in_bytes").subList(2, 4));
    }

    @Test
    void swapWithoutSwapAccountingFailsClearlyAndLeavesNothing() throws IOException {
        tree.swapAccounting = false;
        V1Driver driver = driver("memory");
        List<String> before = tree.allDirs();
        CgroupException e = assertThrows(CgroupException.class,
                () -> driver.create("/m", Res.memory(100 * MIB, 200 * MIB)));
        assertEquals("cgroup: memory.swap " + 200 * MIB + ": swap limit needs swap accounting, but "
                + tmp.resolve("memory/m/memory.memsw.limit_in_bytes") + " does not exist (kernel built without it"
                + " or booted with swapaccount=0)", e.getMessage());
        assertEquals(before, tree.allDirs());
    }

    @Test
    void impossibleMemoryValuesAreRefusedBeforeAnythingIsCreated() throws IOException {
        V1Driver driver = driver("memory");
        List<String> before = tree.allDirs();
        assertEquals("cgroup: memory.swap 50 is below memory.limit 100 (OCI swap is memory+swap)",
                assertThrows(CgroupException.class, () -> driver.create("/m", Res.memory(100L, 50L))).getMessage());
        assertEquals("cgroup: memory.swappiness 101 is outside 0-100", assertThrows(CgroupException.class,
                () -> driver.create("/m", Res.memory(new Resources.Memory(null, null, null, null, null, 101L, null))))
                .getMessage());
        assertEquals(before, tree.allDirs());
    }

    @Test
    void absentKernelMemoryFilesAreIgnored() throws IOException {
        tree.kernelMemory = false;
        driver("memory").create("/m", Res.memory(new Resources.Memory(MIB, null, null, MIB, MIB, null, null)));
        assertEquals(List.of(Long.toString(MIB)), tree.written("memory.limit_in_bytes"));
        assertEquals(List.of(), tree.written("memory.kmem.limit_in_bytes"));
    }

    @Test
    void cpuFilesAndTheirOrder() throws IOException {
        driver("cpu", "cpuset").create("/c", Res.cpu(new Resources.Cpu(
                512L, 50_000L, 200_000L, 9_500L, 10_000L, "0-1", "0", 1_000L, true)));

        assertEquals("512", file("cpu", "c/cpu.shares"));
        assertEquals("1000", file("cpu", "c/cpu.cfs_burst_us"));
        assertEquals("1", file("cpu", "c/cpu.idle"));
        assertEquals("0-1", file("cpuset", "c/cpuset.cpus"));
        assertEquals("0", file("cpuset", "c/cpuset.mems"));
        assertEquals(List.of("cpu/c/cpu.rt_period_us=10000", "cpu/c/cpu.rt_runtime_us=9500",
                        "cpu/c/cpu.cfs_period_us=200000", "cpu/c/cpu.cfs_quota_us=50000"),
                tree.order("cpu.rt_period_us", "cpu.rt_runtime_us", "cpu.cfs_period_us", "cpu.cfs_quota_us"));
    }

    @Test
    void aPeriodRefusedWithEinvalIsRetriedAfterTheQuota() throws IOException {
        V1Driver driver = driver("cpu");
        tree.failNextWrite("cpu.cfs_period_us", "Invalid argument");
        driver.create("/c", Res.cpu(Res.quota(50_000L, 200_000L)));
        assertEquals(List.of("cpu/c/cpu.cfs_quota_us=50000", "cpu/c/cpu.cfs_period_us=200000"),
                tree.order("cpu.cfs_period_us", "cpu.cfs_quota_us"));
    }

    @Test
    void aNonPositiveQuotaIsUnlimited() throws IOException {
        driver("cpu").create("/c", Res.cpu(Res.quota(0L, null)));
        assertEquals("-1", file("cpu", "c/cpu.cfs_quota_us"));
    }

    @Test
    void pidsMax() throws IOException {
        Cgroup cgroup = driver("pids").create("/p", Res.pids(64));
        assertEquals("64", file("pids", "p/pids.max"));
        cgroup.update(Res.pids(-1));
        assertEquals("max", file("pids", "p/pids.max"));
    }

    @Test
    void devicesRulesGoOnePerWriteWithALeadingDenyAllAsA() throws IOException {
        driver("devices").create("/d", Res.devices(
                new Resources.DeviceRule(false, 'a', null, null, "rwm"),
                new Resources.DeviceRule(true, 'c', 1L, 3L, "rwm"),
                new Resources.DeviceRule(true, 'c', null, null, "m"),
                new Resources.DeviceRule(false, 'b', 8L, 0L, "w")));

        assertEquals(List.of("devices/d/devices.deny=a", "devices/d/devices.allow=c 1:3 rwm",
                        "devices/d/devices.allow=c *:* m", "devices/d/devices.deny=b 8:0 w"),
                tree.order("devices.allow", "devices.deny"));
    }

    @Test
    void aLeadingRuleThatIsNotDenyAllIsWrittenAsItIs() throws IOException {
        driver("devices").create("/d", Res.devices(new Resources.DeviceRule(true, 'a', null, null, null)));
        assertEquals(List.of("devices/d/devices.allow=a *:* rwm"), tree.order("devices.allow", "devices.deny"));
    }

    @Test
    void blkioWithBfqWritesBfqWeightsAndThrottles() throws IOException {
        driver("blkio").create("/b", Res.blockIo(new Resources.BlockIo(300, null,
                List.of(new Resources.WeightDevice(8, 0, 500, null)),
                List.of(new Resources.ThrottleDevice(8, 0, 1_048_576)),
                List.of(new Resources.ThrottleDevice(8, 16, 2_097_152)),
                List.of(new Resources.ThrottleDevice(8, 0, 100)),
                List.of(new Resources.ThrottleDevice(8, 0, 200), new Resources.ThrottleDevice(8, 16, 0)))));

        assertEquals("300", file("blkio", "b/blkio.bfq.weight"));
        assertEquals(List.of("8:0 500"), tree.written("blkio.bfq.weight_device"));
        assertEquals(List.of("8:0 1048576"), tree.written("blkio.throttle.read_bps_device"));
        assertEquals(List.of("8:16 2097152"), tree.written("blkio.throttle.write_bps_device"));
        assertEquals(List.of("8:0 100"), tree.written("blkio.throttle.read_iops_device"));
        assertEquals(List.of("8:0 200", "8:16 0"), tree.written("blkio.throttle.write_iops_device"));
    }

    @Test
    void blkioWithCfqWritesWeightsAndLeafWeights() throws IOException {
        tree.ioWeights = "cfq";
        driver("blkio").create("/b", Res.blockIo(new Resources.BlockIo(300, 200,
                List.of(new Resources.WeightDevice(8, 0, 500, 400)), null, null, null, null)));

        assertEquals("300", file("blkio", "b/blkio.weight"));
        assertEquals("200", file("blkio", "b/blkio.leaf_weight"));
        assertEquals(List.of("8:0 500"), tree.written("blkio.weight_device"));
        assertEquals(List.of("8:0 400"), tree.written("blkio.leaf_weight_device"));
    }

    @Test
    void blkioWeightsWithoutAnySchedulerSupportFailNamingBothFiles() throws IOException {
        tree.ioWeights = "none";
        V1Driver driver = driver("blkio");
        CgroupException e = assertThrows(CgroupException.class,
                () -> driver.create("/b", Res.blockIo(new Resources.BlockIo(300, null, null, null, null, null, null))));
        assertEquals("cgroup: blockIo weights need blkio.weight (CFQ) or blkio.bfq.weight (BFQ) in "
                + tmp.resolve("blkio/b") + "; neither exists", e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("blkio/b")));
    }

    @Test
    void leafWeightsUnderBfqFailClearly() throws IOException {
        V1Driver driver = driver("blkio");
        CgroupException e = assertThrows(CgroupException.class,
                () -> driver.create("/b", Res.blockIo(new Resources.BlockIo(null, 200, null, null, null, null, null))));
        assertTrue(e.getMessage().contains("blkio.leaf_weight (CFQ), which does not exist; BFQ has no leaf weights"),
                e.getMessage());
    }

    @Test
    void hugepageLimitsGoToV1HugetlbWhenItIsMounted() throws IOException {
        driver("hugetlb").create("/h", Res.hugepages(new Resources.HugepageLimit("2MB", 4 * MIB)));
        assertEquals(Long.toString(4 * MIB), file("hugetlb", "h/hugetlb.2MB.limit_in_bytes"));
        assertEquals(List.of(), tree.written("hugetlb.2MB.max"));
    }

    @Test
    void hybridHugepageLimitsEnableHugetlbOnTheLevelsBerthCreatedNotOnTheRoot() throws IOException {
        V1Driver driver = driver("memory");
        driver.create("/berth/h", Res.hugepages(new Resources.HugepageLimit("2MB", 4 * MIB)));

        assertEquals(Long.toString(4 * MIB), tree.read(unified.resolve("berth/h/hugetlb.2MB.max")));
        assertEquals(List.of("unified/berth/cgroup.subtree_control=+hugetlb"), tree.order("cgroup.subtree_control"),
                "the root already enables hugetlb and is never written; the leaf keeps no controllers");
    }

    @Test
    void hybridHugepageLimitsEnableHugetlbInAPreexistingParentBelowTheRoot() throws IOException {
        V1Driver driver = driver("memory");
        tree.precreate(unified.resolve("delegated"));
        driver.create("/delegated/h", Res.hugepages(new Resources.HugepageLimit("2MB", 4 * MIB)));

        assertEquals(List.of("unified/delegated/cgroup.subtree_control=+hugetlb"), tree.order("cgroup.subtree_control"));
        assertEquals(Long.toString(4 * MIB), tree.read(unified.resolve("delegated/h/hugetlb.2MB.max")));
    }

    @Test
    void hybridHugepageLimitsFailWhenTheRootDoesNotEnableHugetlb() throws IOException {
        Path bare = tree.addV2("bare", "hugetlb", "");
        tree.addV1("memory");
        V1Driver driver = new V1Driver(tree.v1Mounts(), bare, Map.of(), tree);
        List<String> before = tree.allDirs();

        CgroupException e = assertThrows(CgroupException.class,
                () -> driver.create("/berth/h", Res.hugepages(new Resources.HugepageLimit("2MB", MIB))));

        assertEquals("cgroup: controller \"hugetlb\" (needed for hugepageLimits) is not enabled in "
                + bare.resolve("cgroup.subtree_control") + " and berth does not change the hierarchy root's",
                e.getMessage());
        assertEquals(before, tree.allDirs());
        assertEquals("", tree.read(bare.resolve("cgroup.subtree_control")));
    }

    @Test
    void unifiedSettingsGoToTheHybridHierarchyOnlyIfThereIsOne() throws IOException {
        V1Driver hybrid = driver("memory");
        hybrid.create("/u", Res.unified(Map.of("cgroup.max.descendants", "5")));
        assertEquals(List.of("5"), tree.written("cgroup.max.descendants"));

        V1Driver v1Only = new V1Driver(tree.v1Mounts(), null, Map.of(), tree);
        CgroupException e = assertThrows(CgroupException.class,
                () -> v1Only.create("/u2", Res.unified(Map.of("cgroup.max.descendants", "5"))));
        assertEquals("cgroup: unified settings [cgroup.max.descendants] need a cgroup2 hierarchy;"
                + " this host has cgroup v1 only", e.getMessage());
    }

    @Test
    void updateWritesOnlyWhatIsSet() throws IOException {
        Cgroup cgroup = driver("memory", "cpu", "pids").create("/x", Resources.NONE);
        int before = tree.writes.size();
        cgroup.update(Res.cpu(new Resources.Cpu(100L, null, null, null, null, null, null, null, null)));
        assertEquals(List.of("cpu/x/cpu.shares=100"),
                tree.writes.subList(before, tree.writes.size()).stream().map(Object::toString).toList());
    }
}
