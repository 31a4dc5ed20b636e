package dev.berth.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** v1 driver on a fake hybrid tree: where cgroups go, what is created, what is removed. */
class V1LifecycleTest {
    @TempDir
    Path tmp;
    FakeCgroupTree tree;
    Path memory;
    Path cpu;
    Path cpuset;
    Path pids;
    Path unified;
    Path systemd;

    @BeforeEach
    void layOutHybridHost() throws IOException {
        tree = new FakeCgroupTree(tmp);
        memory = tree.addV1("memory");
        cpu = tree.addV1("cpu", "cpuacct");
        cpuset = tree.addV1("cpuset");
        pids = tree.addV1("pids");
        tree.addV1("devices");
        tree.addV1("blkio");
        unified = tree.addV2("unified", "hugetlb", "");
        systemd = Files.createDirectory(tmp.resolve("systemd"));
    }

    private V1Driver driver(Map<String, String> own) {
        Map<String, Path> mounts = new HashMap<>(tree.v1Mounts());
        mounts.put("name=systemd", systemd); // a named hierarchy: never berth's
        return new V1Driver(mounts, unified, own, tree);
    }

    @Test
    void absolutePathIsBelowEachHierarchyRootAndEveryLevelIsRecorded() throws IOException {
        Cgroup cgroup = driver(Map.of("memory", "/elsewhere")).create("/berth/c1", Resources.NONE);
        CgroupRecord record = cgroup.record();

        assertEquals("v1", record.driver());
        assertEquals(memory.resolve("berth/c1").toString(), record.paths().get("memory"));
        assertEquals(cpu.resolve("berth/c1").toString(), record.paths().get("cpu"));
        assertEquals(cpu.resolve("berth/c1").toString(), record.paths().get("cpuacct"), "co-mounted: one dir");
        assertEquals(unified.resolve("berth/c1").toString(), record.paths().get(CgroupRecord.UNIFIED));
        assertFalse(record.paths().containsKey("name=systemd"));
        assertEquals(List.of(), tree.allDirs().stream().filter(d -> d.startsWith("systemd/")).toList());
        // Parents before children in each hierarchy, each hierarchy once (cpu,cpuacct shared).
        assertEquals(List.of("blkio/berth", "blkio/berth/c1", "cpu,cpuacct/berth", "cpu,cpuacct/berth/c1",
                        "cpuset/berth", "cpuset/berth/c1", "devices/berth", "devices/berth/c1",
                        "memory/berth", "memory/berth/c1", "pids/berth", "pids/berth/c1",
                        "unified/berth", "unified/berth/c1"),
                record.created().stream().map(p -> tmp.relativize(Path.of(p)).toString()).toList());
        assertTrue(cgroup.exists());
    }

    @Test
    void relativePathIsBelowTheCallersOwnCgroupInEachHierarchy() throws IOException {
        tree.precreate(memory.resolve("user.slice/session-1"));
        tree.precreate(unified.resolve("user.slice"));
        Cgroup cgroup = driver(Map.of("memory", "/user.slice/session-1", "", "/user.slice"))
                .create("ctr/x", Resources.NONE);

        assertEquals(memory.resolve("user.slice/session-1/ctr/x").toString(), cgroup.record().paths().get("memory"));
        assertEquals(unified.resolve("user.slice/ctr/x").toString(), cgroup.record().paths().get(""));
        assertEquals(pids.resolve("ctr/x").toString(), cgroup.record().paths().get("pids"), "no own entry: root");
        assertFalse(cgroup.record().created().stream().anyMatch(p -> p.endsWith("session-1")
                || p.endsWith("user.slice")), "the caller's own cgroups are not berth's");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "/berth/../../etc", "berth/./x", "", " ", "/", "//",
            "system.slice:berth:abc"})
    void badPathsAreRefusedBeforeAnythingIsCreated(String path) throws IOException {
        List<String> before = tree.allDirs();
        CgroupException e = assertThrows(CgroupException.class, () -> driver(Map.of()).create(path, Resources.NONE));
        assertTrue(e.getMessage().startsWith("cgroup: cgroupsPath"), e.getMessage());
        assertEquals(before, tree.allDirs());
    }

    @Test
    void systemdSyntaxIsNamedInTheError() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> driver(Map.of()).create("system.slice:berth:abc", Resources.NONE));
        assertTrue(e.getMessage().contains("systemd cgroup driver is not supported"), e.getMessage());
    }

    @Test
    void cpusetLevelsBerthCreatesInheritTheirParentsCpusAndMems() throws IOException {
        tree.precreate(cpuset.resolve("pre"));
        Files.writeString(cpuset.resolve("pre/cpuset.cpus"), "2-3\n");
        Files.writeString(cpuset.resolve("pre/cpuset.mems"), "0\n");
        driver(Map.of()).create("/pre/a/b", Resources.NONE);
        driver(Map.of()).create("/top/c", Res.cpus("1", null));

        assertEquals("2-3", tree.read(cpuset.resolve("pre/a/cpuset.cpus")));
        assertEquals("2-3", tree.read(cpuset.resolve("pre/a/b/cpuset.cpus")));
        assertEquals("0", tree.read(cpuset.resolve("pre/a/b/cpuset.mems")));
        assertEquals("0-3", tree.read(cpuset.resolve("top/cpuset.cpus")));
        assertEquals("1", tree.read(cpuset.resolve("top/c/cpuset.cpus")), "the requested value wins");
        assertEquals("0", tree.read(cpuset.resolve("top/c/cpuset.mems")));
        assertFalse(tree.writes.stream().anyMatch(w -> w.file().startsWith("cpuset/pre/cpuset.")),
                "a pre-existing parent is not written");
    }

    @Test
    void anEmptyPreexistingCpusetParentIsReportedNotFilledIn() throws IOException {
        tree.precreate(cpuset.resolve("empty"));
        CgroupException e = assertThrows(CgroupException.class,
                () -> driver(Map.of()).create("/empty/c", Resources.NONE));
        assertEquals("cgroup: cannot initialise " + cpuset.resolve("empty/c/cpuset.cpus") + ": "
                + cpuset.resolve("empty/cpuset.cpus") + " is empty", e.getMessage());
        assertFalse(Files.exists(cpuset.resolve("empty/c")));
    }

    @Test
    void aFailureHalfWayRemovesExactlyWhatWasCreated() throws IOException {
        tree.precreate(memory.resolve("keep"));
        List<String> before = tree.allDirs();
        tree.failWrites("pids.max", "Invalid argument");

        CgroupException e = assertThrows(CgroupException.class,
                () -> driver(Map.of()).create("/keep/c1", Res.pids(10)));

        assertEquals("cgroup: write 10 to " + pids.resolve("keep/c1/pids.max") + ": EINVAL (Invalid argument)",
                e.getMessage());
        assertEquals(before, tree.allDirs(), "memory/keep survives, everything berth made is gone");
    }

    @Test
    void aControllerThatIsNotMountedFailsBeforeAnythingIsCreated() throws IOException {
        Map<String, Path> noPids = new HashMap<>(tree.v1Mounts());
        noPids.remove("pids");
        List<String> before = tree.allDirs();
        CgroupException e = assertThrows(CgroupException.class,
                () -> new V1Driver(noPids, unified, Map.of(), tree).create("/x", Res.pids(5)));
        assertEquals("cgroup: v1 controller \"pids\" (needed for pids limit) is not mounted", e.getMessage());
        assertEquals(before, tree.allDirs());
    }

    @Test
    void addProcessWritesEveryHierarchyOnceAndProcessesIncludesChildCgroups() throws IOException {
        Cgroup cgroup = driver(Map.of()).create("/berth/c1", Resources.NONE);
        cgroup.addProcess(4242);

        assertEquals(7, tree.written("cgroup.procs").size(), "6 v1 hierarchies (cpu,cpuacct once) + unified");
        assertEquals("4242", tree.read(unified.resolve("berth/c1/cgroup.procs")));
        tree.precreate(pids.resolve("berth/c1/nested"));
        Files.writeString(pids.resolve("berth/c1/nested/cgroup.procs"), "77\n");
        assertEquals(List.of(4242, 77), cgroup.processes(), "read from the pids hierarchy, children included");
    }

    @Test
    void destroyRemovesOnlyWhatBerthCreatedAndAPreexistingParentSurvives() throws IOException {
        tree.precreate(memory.resolve("keep"));
        Cgroup cgroup = driver(Map.of()).create("/keep/c1", Resources.NONE);
        assertFalse(cgroup.record().created().contains(memory.resolve("keep").toString()));

        cgroup.destroy();

        assertEquals(List.of("blkio", "cpu,cpuacct", "cpuset", "devices", "memory", "memory/keep", "pids",
                "systemd", "unified"), tree.allDirs());
        assertFalse(cgroup.exists());
        cgroup.destroy(); // already gone: fine
    }

    @Test
    void destroyRemovesTheContainersChildCgroupsButLeavesAParentShared() throws IOException {
        V1Driver driver = driver(Map.of());
        Cgroup first = driver.create("/berth/a", Resources.NONE);
        Cgroup second = driver.create("/berth/b", Resources.NONE);
        tree.precreate(memory.resolve("berth/a/nested/deeper"));

        first.destroy();

        assertFalse(Files.exists(memory.resolve("berth/a")), "the container's own sub-cgroups go with it");
        assertTrue(Files.isDirectory(memory.resolve("berth/b")));
        assertTrue(Files.isDirectory(memory.resolve("berth")), "berth/ still holds b");
        second.destroy();
        assertTrue(Files.isDirectory(memory.resolve("berth")), "b did not create berth/");
    }

    @Test
    void destroyRefusesWhileTheCgroupHasProcessesAndNamesThem() throws IOException {
        Cgroup cgroup = driver(Map.of()).create("/busy", Resources.NONE);
        cgroup.addProcess(31337);

        CgroupException e = assertThrows(CgroupException.class, cgroup::destroy);

        assertTrue(e.getMessage().contains("EBUSY (Device or resource busy): the cgroup still has processes [31337]"),
                e.getMessage());
        assertTrue(Files.isDirectory(pids.resolve("busy")));
        Files.writeString(pids.resolve("busy/cgroup.procs"), "");
        Files.writeString(memory.resolve("busy/cgroup.procs"), "");
        for (String mount : List.of("blkio", "cpu,cpuacct", "cpuset", "devices", "unified")) {
            Files.writeString(tmp.resolve(mount).resolve("busy/cgroup.procs"), "");
        }
        cgroup.destroy();
        assertFalse(cgroup.exists());
    }

    @Test
    void aRecordReopensTheSameCgroupInAnotherDriver() throws IOException {
        CgroupRecord record = driver(Map.of()).create("/berth/c1", Resources.NONE).record();

        Cgroup reopened = driver(Map.of()).open(record);
        reopened.update(Res.pids(99));
        assertEquals("99", tree.read(pids.resolve("berth/c1/pids.max")));
        assertEquals(record, reopened.record());
        reopened.destroy();
        assertFalse(Files.exists(memory.resolve("berth")));
        CgroupException e = assertThrows(CgroupException.class,
                () -> driver(Map.of()).open(new CgroupRecord("v2", Map.of("", "/x"), List.of())));
        assertEquals("cgroup: cannot open a \"v2\" cgroup record with the v1 driver", e.getMessage());
    }

    @Test
    void thePublicFactoryJoinsAnExistingCgroupAndNeverRemovesIt() throws IOException {
        tree.precreate(pids.resolve("existing"));
        CgroupDriver plain = CgroupDriver.v1(Map.of("pids", pids), null, Map.of());
        Cgroup cgroup = plain.create("/existing", Res.pids(0));

        assertEquals("max", tree.read(pids.resolve("existing/pids.max")), "<= 0 means unlimited");
        assertEquals(List.of(), cgroup.record().created());
        assertEquals(Map.of("pids", pids.resolve("existing").toString()), cgroup.record().paths());
        cgroup.destroy();
        assertTrue(Files.isDirectory(pids.resolve("existing")));
    }
}
