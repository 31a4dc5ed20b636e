package dev.berth.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** v2 driver on a fake cgroup2 tree. */
class V2DriverTest {
    static final long MIB = 1024 * 1024;
    static final String ALL = "cpu cpuset io memory pids hugetlb";

    @TempDir
    Path tmp;
    FakeCgroupTree tree;

    @BeforeEach
    void newTree() {
        tree = new FakeCgroupTree(tmp);
    }

    /** A host like systemd's: the root offers everything and enables the usual four. */
    private V2Driver systemdLikeHost(String ownCgroup) throws IOException {
        return new V2Driver(tree.addV2("cg", ALL, "cpu io memory pids"), ownCgroup, tree);
    }

    private V2Driver everythingEnabled() throws IOException {
        return new V2Driver(tree.addV2("cg", ALL, ALL), "/", tree);
    }

    private String file(String relative) throws IOException {
        return tree.read(tmp.resolve("cg").resolve(relative));
    }

    @Test
    void absoluteAndRelativePaths() throws IOException {
        V2Driver driver = systemdLikeHost("/user.slice/me");
        tree.precreate(tmp.resolve("cg/user.slice/me"));

        Cgroup absolute = driver.create("/berth/a", Resources.NONE);
        Cgroup relative = driver.create("ctr", Resources.NONE);

        assertEquals(new CgroupRecord("v2", Map.of("", tmp.resolve("cg/berth/a").toString()),
                List.of(tmp.resolve("cg/berth").toString(), tmp.resolve("cg/berth/a").toString())), absolute.record());
        assertEquals(Map.of("", tmp.resolve("cg/user.slice/me/ctr").toString()), relative.record().paths());
        assertEquals(List.of(tmp.resolve("cg/user.slice/me/ctr").toString()), relative.record().created());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/../../b", "/..", "./a", "/", "machine.slice:berth:x"})
    void badPathsAreRefused(String path) throws IOException {
        V2Driver driver = systemdLikeHost("/");
        List<String> before = tree.allDirs();
        assertThrows(CgroupException.class, () -> driver.create(path, Resources.NONE));
        assertEquals(before, tree.allDirs());
    }

    @Test
    void neededControllersAreEnabledFromTheLevelAboveTheFirstCreatedOneDown() throws IOException {
        V2Driver driver = systemdLikeHost("/");
        tree.precreate(tmp.resolve("cg/delegated"));

        driver.create("/delegated/a/b", new Resources(new Resources.Memory(64 * MIB, null, null, null, null, null, null),
                null, new Resources.Pids(10), null, null, null, null));

        assertEquals(List.of("cg/delegated/cgroup.subtree_control=+memory", "cg/delegated/cgroup.subtree_control=+pids",
                        "cg/delegated/a/cgroup.subtree_control=+memory", "cg/delegated/a/cgroup.subtree_control=+pids"),
                tree.order("cgroup.subtree_control"), "never the root's, never the leaf's");
        assertEquals(Long.toString(64 * MIB), file("delegated/a/b/memory.max"));
        assertEquals("10", file("delegated/a/b/pids.max"));
    }

    @Test
    void aControllerTheRootDoesNotEnableIsAnErrorAndTheRootIsLeftAlone() throws IOException {
        V2Driver driver = systemdLikeHost("/");
        List<String> before = tree.allDirs();

        CgroupException e = assertThrows(CgroupException.class, () -> driver.create("/x/y", Res.cpus("0", "0")));

        assertEquals("cgroup: controller \"cpuset\" (needed for cpu.cpus/cpu.mems) is not enabled in "
                + tmp.resolve("cg/cgroup.subtree_control") + " and berth does not change the hierarchy root's",
                e.getMessage());
        assertEquals(before, tree.allDirs());
        assertEquals("cpu io memory pids", file("cgroup.subtree_control"));
    }

    @Test
    void aControllerTheParentDoesNotOfferIsNamedInTheError() throws IOException {
        V2Driver driver = systemdLikeHost("/");
        tree.precreate(tmp.resolve("cg/delegated"));

        CgroupException e = assertThrows(CgroupException.class, () -> driver.create("/delegated/h",
                Res.hugepages(new Resources.HugepageLimit("2MB", MIB))));

        assertEquals("cgroup: controller \"hugetlb\" (needed for hugepageLimits) is not available: "
                + tmp.resolve("cg/delegated/cgroup.controllers") + " lists only [cpu io memory pids];"
                + " berth can only enable what " + tmp.resolve("cg/delegated") + " offers", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("cg/delegated/h")));
        assertTrue(Files.isDirectory(tmp.resolve("cg/delegated")));
    }

    @Test
    void everyFileGetsItsV2Value() throws IOException {
        everythingEnabled().create("/all", new Resources(
                new Resources.Memory(64 * MIB, 16 * MIB, 96 * MIB, null, null, null, null),
                new Resources.Cpu(1024L, 50_000L, 100_000L, null, null, "0-1", "0", 5_000L, false),
                new Resources.Pids(0),
                new Resources.BlockIo(500, null, List.of(new Resources.WeightDevice(8, 0, 300, null)),
                        List.of(new Resources.ThrottleDevice(8, 0, 1000)),
                        List.of(new Resources.ThrottleDevice(8, 0, 2000)),
                        List.of(new Resources.ThrottleDevice(8, 0, 0)),
                        List.of(new Resources.ThrottleDevice(8, 16, 5))),
                List.of(new Resources.HugepageLimit("2MB", 8 * MIB)), null,
                Map.of("memory.high", "50000000")));

        assertEquals(Long.toString(64 * MIB), file("all/memory.max"));
        assertEquals(Long.toString(16 * MIB), file("all/memory.low"));
        assertEquals(Long.toString(32 * MIB), file("all/memory.swap.max"), "OCI swap 96M - limit 64M");
        assertEquals("39", file("all/cpu.weight"), "shares 1024");
        assertEquals("50000 100000", file("all/cpu.max"));
        assertEquals("5000", file("all/cpu.max.burst"));
        assertEquals("0", file("all/cpu.idle"));
        assertEquals("0-1", file("all/cpuset.cpus"));
        assertEquals("0", file("all/cpuset.mems"));
        assertEquals("max", file("all/pids.max"));
        assertEquals(List.of("default 500", "8:0 300"), tree.written("io.bfq.weight"));
        assertEquals(List.of("8:0 rbps=1000 wbps=2000 riops=max", "8:16 wiops=5"), tree.written("io.max"));
        assertEquals(Long.toString(8 * MIB), file("all/hugetlb.2MB.max"));
        assertEquals("50000000", file("all/memory.high"));
    }

    @Test
    void withoutBfqWeightsGoToIoWeightOnItsScale() throws IOException {
        tree.ioWeights = "cfq";
        everythingEnabled().create("/w", Res.blockIo(new Resources.BlockIo(500, null,
                List.of(new Resources.WeightDevice(8, 0, 1000, null)), null, null, null, null)));
        assertEquals(List.of("default 4950", "8:0 10000"), tree.written("io.weight"));
    }

    @Test
    void conversions() {
        assertEquals(1, V2Resources.sharesToWeight(2));
        assertEquals(39, V2Resources.sharesToWeight(1024));
        assertEquals(10000, V2Resources.sharesToWeight(262144));
        assertEquals(1, V2Resources.sharesToWeight(0), "clamped like the v1 kernel clamps");
        assertEquals(1, V2Resources.blkioToIoWeight(10));
        assertEquals(4950, V2Resources.blkioToIoWeight(500));
        assertEquals(10000, V2Resources.blkioToIoWeight(1000));

        assertEquals("200", V2Resources.swapMax(100L, 300L));
        assertEquals("0", V2Resources.swapMax(100L, 100L), "memory+swap == memory: no swap");
        assertEquals("max", V2Resources.swapMax(100L, -1L));
        assertEquals("max", V2Resources.swapMax(-1L, null), "unlimited memory lifts swap too");
        assertNull(V2Resources.swapMax(100L, null));
        assertEquals("cgroup: memory.swap 50 is below memory.limit 100 (OCI swap is memory+swap)",
                assertThrows(CgroupException.class, () -> V2Resources.swapMax(100L, 50L)).getMessage());
        assertThrows(CgroupException.class, () -> V2Resources.swapMax(null, 200L));
        assertThrows(CgroupException.class, () -> V2Resources.swapMax(-1L, 200L));
    }

    @Test
    void cpuMaxKeepsTheQuotaOrPeriodNotBeingChanged() throws IOException {
        Cgroup cgroup = everythingEnabled().create("/c", Res.cpu(Res.quota(50_000L, 100_000L)));
        cgroup.update(Res.cpu(Res.quota(null, 200_000L)));
        assertEquals("50000 200000", file("c/cpu.max"));
        cgroup.update(Res.cpu(Res.quota(-1L, null)));
        assertEquals(List.of("50000 100000", "50000 200000", "max"), tree.written("cpu.max"));
    }

    @Test
    void realtimeSettingsAreRefusedBeforeAnythingIsCreated() throws IOException {
        V2Driver driver = everythingEnabled();
        List<String> before = tree.allDirs();
        CgroupException e = assertThrows(CgroupException.class, () -> driver.create("/rt",
                Res.cpu(new Resources.Cpu(null, null, null, 950_000L, 1_000_000L, null, null, null, null))));
        assertEquals("cgroup: cpu.realtimeRuntime/cpu.realtimePeriod are not supported on cgroup v2"
                + " (it has no cpu.rt_* files)", e.getMessage());
        assertEquals(before, tree.allDirs());
    }

    @Test
    void swapWithoutSwapAccountingIsAnError() throws IOException {
        tree.swapAccounting = false;
        V2Driver driver = everythingEnabled();
        CgroupException e = assertThrows(CgroupException.class, () -> driver.create("/s", Res.memory(MIB, 2 * MIB)));
        assertEquals("cgroup: memory.swap needs swap accounting, but " + tmp.resolve("cg/s/memory.swap.max")
                + " does not exist", e.getMessage());
        driver.create("/s", Res.memory(-1L, null)); // the implied unlimited swap is skipped quietly
        assertEquals("max", file("s/memory.max"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../cgroup.procs", "a/b", "..", ".", ""})
    void unifiedKeysMustBePlainFileNames(String key) throws IOException {
        V2Driver driver = everythingEnabled();
        CgroupException e = assertThrows(CgroupException.class, () -> driver.create("/u", Res.unified(Map.of(key, "1"))));
        assertEquals("cgroup: unified key \"" + key + "\" is not a file name", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("cg/u")));
    }

    /**
     * Device rules become a BPF program attached to the directory (RealV2DevicesTest shows it on
     * real cgroupfs); a fake tree is no cgroup, so the kernel refuses, and create says where and
     * removes what it made.
     */
    @Test
    void deviceRulesNeedARealCgroupDirectoryAndAFailureUndoesTheCreate() throws IOException {
        V2Driver driver = everythingEnabled();
        CgroupException e = assertThrows(CgroupException.class,
                () -> driver.create("/d", Res.devices(new Resources.DeviceRule(false, 'a', null, null, "rwm"))));
        assertTrue(e.getMessage().startsWith("cgroup: cannot apply the device rules to " + tmp.resolve("cg/d")
                + " as a BPF device program: bpf(BPF_PROG_QUERY)"), e.getMessage());
        assertEquals(List.of(), tree.writes);
        assertFalse(Files.exists(tmp.resolve("cg/d")));
    }

    @Test
    void deviceNumbersBeyondThirtyTwoBitsAreRefusedBeforeAnythingIsCreated() throws IOException {
        V2Driver driver = everythingEnabled();
        CgroupException e = assertThrows(CgroupException.class, () -> driver.create("/d",
                Res.devices(new Resources.DeviceRule(true, 'c', 1L << 32, 1L, "r"))));
        assertEquals("cgroup: devices rule \"c 4294967296:1 r\" has a device number above 2^32-1", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("cg/d")));
    }

    @Test
    void aFailureHalfWayRemovesWhatWasCreatedAndOnlyThat() throws IOException {
        V2Driver driver = systemdLikeHost("/");
        tree.precreate(tmp.resolve("cg/keep"));
        List<String> before = tree.allDirs();
        tree.failWrites("pids.max", "Invalid argument");

        CgroupException e = assertThrows(CgroupException.class, () -> driver.create("/keep/a/b", Res.pids(10)));

        assertEquals("cgroup: write 10 to " + tmp.resolve("cg/keep/a/b/pids.max") + ": EINVAL (Invalid argument)",
                e.getMessage());
        assertEquals(before, tree.allDirs());
    }

    @Test
    void processesDestroyAndReopen() throws IOException {
        V2Driver driver = systemdLikeHost("/");
        Cgroup cgroup = driver.create("/berth/p", Resources.NONE);
        cgroup.addProcess(100);
        tree.precreate(tmp.resolve("cg/berth/p/inner"));
        Files.writeString(tmp.resolve("cg/berth/p/inner/cgroup.procs"), "101\n");
        assertEquals(List.of(100, 101), cgroup.processes());

        Files.writeString(tmp.resolve("cg/berth/p/cgroup.procs"), "");
        Files.writeString(tmp.resolve("cg/berth/p/inner/cgroup.procs"), "");
        Cgroup reopened = driver.open(cgroup.record());
        reopened.destroy();
        assertEquals(List.of("cg"), tree.allDirs());
        assertFalse(cgroup.exists());

        CgroupException e = assertThrows(CgroupException.class,
                () -> driver.open(new CgroupRecord("v1", Map.of("memory", "/x"), List.of())));
        assertEquals("cgroup: cannot open a \"v1\" cgroup record with the v2 driver", e.getMessage());
    }

    @Test
    void updateEnablesAControllerNotNeededAtCreation() throws IOException {
        V2Driver driver = systemdLikeHost("/");
        Cgroup cgroup = driver.create("/berth/u", Resources.NONE);
        assertEquals(List.of(), tree.writes);
        cgroup.update(Res.memory(MIB, null));
        assertEquals(List.of("cg/berth/cgroup.subtree_control=+memory", "cg/berth/u/memory.max=" + MIB),
                tree.writes.stream().map(Object::toString).toList());
    }

    @Test
    void thePublicFactoryWorksOnAnExistingCgroup() throws IOException {
        Path mount = tree.addV2("pub", ALL, ALL);
        tree.precreate(mount.resolve("existing"));
        Cgroup cgroup = CgroupDriver.v2(mount, "/").create("/existing", Res.pids(7));
        assertEquals("v2", CgroupDriver.v2(mount, "/").name());
        assertEquals("7", tree.read(mount.resolve("existing/pids.max")));
        cgroup.destroy();
        assertTrue(Files.isDirectory(mount.resolve("existing")), "berth did not create it");
    }
}
