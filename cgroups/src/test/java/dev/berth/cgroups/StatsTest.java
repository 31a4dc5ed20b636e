package dev.berth.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * {@link Cgroup#stats()} and {@link Cgroup#oomKillCount()} on fake trees filled with the sample
 * files of samples/ (real output of this host's cgroupfs for v1; see samples/README.md). Every
 * expected number below is the one in the sample file, after runc's unit conversions.
 */
class StatsTest {
    static final long UNLIMITED_V1 = 9223372036854771712L; // PAGE_COUNTER_MAX pages, as v1 prints "no limit"

    @TempDir
    Path tmp;
    FakeCgroupTree tree;

    @BeforeEach
    void newTree() {
        tree = new FakeCgroupTree(tmp);
    }

    /** A hybrid host laid out like this one: each controller in its own hierarchy, cgroup2 beside. */
    private Cgroup v1Cgroup() throws IOException {
        for (String controller : List.of("cpu", "cpuacct", "memory", "pids", "blkio", "freezer")) {
            tree.addV1(controller);
        }
        Path unified = tree.addV2("unified", "hugetlb", "");
        Cgroup cgroup = new V1Driver(tree.v1Mounts(), unified, Map.of(), tree).create("/c", Resources.NONE);
        cgroup.record().paths().forEach((controller, dir) -> {
            if (!controller.isEmpty()) {
                copy("v1/" + controller, Path.of(dir));
            }
        });
        return cgroup;
    }

    private Path dir(Cgroup cgroup, String controller) {
        return Path.of(cgroup.record().paths().get(controller));
    }

    private static void copy(String sample, Path dir) {
        try {
            FakeCgroupTree.copySamples(sample, dir);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static long lines(String sample) throws Exception {
        return Files.readAllLines(Path.of(StatsTest.class.getResource("samples/" + sample).toURI())).size();
    }

    @Test
    void v1SamplesGiveEveryFieldRuncPrints() throws Exception {
        Stats stats = v1Cgroup().stats();

        // cpuacct.usage, usage_percpu (with its trailing space), usage_percpu_{sys,user}, usage_{sys,user}
        assertEquals(new Stats.CpuUsage(334541400L, List.of(108356739L, 226184661L), List.of(72000000L, 175985329L),
                List.of(15992349L, 36000000L), 247985329L, 51992349L), stats.cpu().usage());
        assertEquals(new Stats.Throttling(12L, 6L, 371073170L), stats.cpu().throttling());

        Stats.Memory memory = stats.memory();
        assertEquals(299008L, memory.cache());
        assertEquals(new Stats.MemoryEntry(67108864L, 31064064L, 60940288L, 0L), memory.usage());
        assertEquals(new Stats.MemoryEntry(UNLIMITED_V1, 31064064L, 60940288L, 0L), memory.swap());
        assertEquals(new Stats.MemoryEntry(UNLIMITED_V1, 176128L, 745472L, 0L), memory.kernel());
        assertEquals(new Stats.MemoryEntry(UNLIMITED_V1, 0L, 0L, 0L), memory.kernelTcp());
        assertEquals(lines("v1/memory/memory.stat"), memory.raw().size(), "every memory.stat key");
        assertEquals(30265344L, memory.raw().get("rss"));
        assertEquals(30265344L, memory.raw().get("total_rss"));
        assertEquals(67108864L, memory.raw().get("hierarchical_memory_limit"));

        assertEquals(new Stats.Pids(2L, 100L), stats.pids());

        // Every per-device line of the _recursive files; the grand "Total" line is left out.
        assertEquals(List.of(entry("Read", 13168640), entry("Write", 12582912), entry("Sync", 38334464),
                entry("Async", 0), entry("Discard", 12582912), entry("Total", 38334464)),
                stats.blkio().ioServiceBytesRecursive());
        assertEquals(List.of(entry("Read", 133), entry("Write", 20), entry("Sync", 155), entry("Async", 0),
                entry("Discard", 2), entry("Total", 155)), stats.blkio().ioServicedRecursive());

        assertEquals(Map.of(), stats.hugetlb(), "no v1 hugetlb and the unified hierarchy does not enable it");
    }

    private static Stats.BlkioEntry entry(String op, long value) {
        return new Stats.BlkioEntry(254, 0, op, value);
    }

    @Test
    void v1FallsBackToCpuacctStatTicksAndNonRecursiveBlkioFiles() throws Exception {
        Cgroup cgroup = v1Cgroup();
        Files.delete(dir(cgroup, "cpuacct").resolve("cpuacct.usage_user"));
        Files.delete(dir(cgroup, "blkio").resolve("blkio.throttle.io_serviced_recursive"));
        Files.writeString(dir(cgroup, "blkio").resolve("blkio.throttle.io_serviced"),
                "8:0 Read 7\n8:0 Write 1\nTotal 8\n");

        Stats stats = cgroup.stats();

        // cpuacct.stat "user 5 / system 27" in USER_HZ (100/s) ticks
        assertEquals(270_000_000L, stats.cpu().usage().kernel());
        assertEquals(50_000_000L, stats.cpu().usage().user());
        assertEquals(List.of(new Stats.BlkioEntry(8, 0, "Read", 7), new Stats.BlkioEntry(8, 0, "Write", 1)),
                stats.blkio().ioServicedRecursive());
    }

    @Test
    void missingControllersAndFilesAreAbsentFieldsNotErrors() throws Exception {
        tree.addV1("devices");
        tree.addV1("memory");
        tree.swapAccounting = false; // no memory.memsw.* files
        tree.kernelMemory = false;
        Cgroup cgroup = new V1Driver(tree.v1Mounts(), null, Map.of(), tree).create("/bare", Resources.NONE);

        Stats stats = cgroup.stats();

        assertNull(stats.cpu());
        assertNull(stats.pids());
        assertNull(stats.blkio());
        assertEquals(Map.of(), stats.hugetlb());
        // The fake memory hierarchy has only memory.limit_in_bytes of the usage files.
        assertEquals(new Stats.MemoryEntry(UNLIMITED_V1, null, null, null), stats.memory().usage());
        assertNull(stats.memory().swap());
        assertNull(stats.memory().kernel());
        assertNull(stats.memory().cache());
        assertEquals(Map.of(), stats.memory().raw());
        assertEquals(0, cgroup.oomKillCount());
    }

    @Test
    void v2SamplesConvertMicrosecondsAndReportSwapLikeRunc() throws IOException {
        Cgroup cgroup = new V2Driver(tree.addV2("cg", "cpu io memory pids hugetlb", "cpu io memory pids hugetlb"),
                "/", tree).create("/c", Resources.NONE);
        copy("v2", dir(cgroup, ""));

        Stats stats = cgroup.stats();

        assertEquals(new Stats.CpuUsage(8123456000L, null, null, null, 3000000000L, 5123456000L), stats.cpu().usage());
        assertEquals(new Stats.Throttling(420L, 37L, 1250000000L), stats.cpu().throttling());
        assertEquals(299008L, stats.memory().cache(), "memory.stat \"file\"");
        assertEquals(new Stats.MemoryEntry(67108864L, 31064064L, 60940288L, null), stats.memory().usage());
        // memory.swap.current 4096 + memory.current; swap.max "max" makes the sum unlimited.
        assertEquals(new Stats.MemoryEntry(Stats.UNLIMITED, 31064064L + 4096, null, null), stats.memory().swap());
        assertEquals("18446744073709551615", Long.toUnsignedString(stats.memory().swap().limit()));
        assertNull(stats.memory().kernel());
        assertEquals(30265344L, stats.memory().raw().get("anon"));
        assertEquals(new Stats.Pids(5L, 100L), stats.pids());
        // io.stat: rbytes/wbytes and rios/wios per device; dbytes and io.cost keys are not runc's.
        assertEquals(List.of(new Stats.BlkioEntry(254, 0, "Read", 13168640),
                new Stats.BlkioEntry(254, 0, "Write", 12582912),
                new Stats.BlkioEntry(259, 0, "Read", 4096), new Stats.BlkioEntry(259, 0, "Write", 0)),
                stats.blkio().ioServiceBytesRecursive());
        assertEquals(List.of(new Stats.BlkioEntry(254, 0, "Read", 133), new Stats.BlkioEntry(254, 0, "Write", 20),
                new Stats.BlkioEntry(259, 0, "Read", 1), new Stats.BlkioEntry(259, 0, "Write", 0)),
                stats.blkio().ioServicedRecursive());
        // hugetlb.2MB.rsvd.current is a reservation counter, not a page size "2MB.rsvd".
        assertEquals(Map.of("1GB", new Stats.Hugetlb(0L, null, 0L), "2MB", new Stats.Hugetlb(4194304L, null, 3L)),
                stats.hugetlb());
        assertEquals(List.of("1GB", "2MB"), List.copyOf(stats.hugetlb().keySet()));
        assertEquals(2, cgroup.oomKillCount(), "memory.events oom_kill");
    }

    @Test
    void v2SwapLimitIsTheSumWhenBothAreSet() throws IOException {
        Cgroup cgroup = new V2Driver(tree.addV2("cg", "memory", "memory"), "/", tree).create("/c", Resources.NONE);
        copy("v2", dir(cgroup, ""));
        Files.writeString(dir(cgroup, "").resolve("memory.swap.max"), "33554432\n");

        assertEquals(67108864L + 33554432L, cgroup.stats().memory().swap().limit());
    }

    @Test
    void hybridCpuStatWithoutTheCpuControllerHasNoThrottling() throws IOException {
        Cgroup cgroup = new V2Driver(tree.addV2("unified", "hugetlb", ""), "/", tree).create("/c", Resources.NONE);
        copy("v2-hybrid", dir(cgroup, ""));

        Stats stats = cgroup.stats();

        // usage_usec 334663, user_usec 58004, system_usec 276659 (nice_usec is not runc's)
        assertEquals(new Stats.CpuUsage(334663000L, null, null, null, 276659000L, 58004000L), stats.cpu().usage());
        assertNull(stats.cpu().throttling());
        assertNull(stats.memory());
        assertNull(stats.pids());
        assertNull(stats.blkio());
        assertEquals(0, cgroup.oomKillCount());
    }

    @Test
    void hybridHostReadsHugetlbFromTheUnifiedHierarchyWhenItIsNotAV1Controller() throws IOException {
        Cgroup cgroup = v1Cgroup();
        Path unified = dir(cgroup, "");
        Files.writeString(unified.resolve("hugetlb.2MB.current"), "2097152\n");
        Files.writeString(unified.resolve("hugetlb.2MB.events"), "max 1\n");

        assertEquals(Map.of("2MB", new Stats.Hugetlb(2097152L, null, 1L)), cgroup.stats().hugetlb());
    }

    @Test
    void v1HugetlbFilesGiveUsageMaxAndFailcnt() throws IOException {
        Path hugetlb = tree.addV1("hugetlb");
        Cgroup cgroup = new V1Driver(tree.v1Mounts(), null, Map.of(), tree).create("/h", Resources.NONE);
        Path dir = hugetlb.resolve("h");
        Files.writeString(dir.resolve("hugetlb.2MB.usage_in_bytes"), "4194304\n");
        Files.writeString(dir.resolve("hugetlb.2MB.max_usage_in_bytes"), "6291456\n");
        Files.writeString(dir.resolve("hugetlb.2MB.failcnt"), "2\n");
        Files.writeString(dir.resolve("hugetlb.2MB.rsvd.usage_in_bytes"), "0\n");

        assertEquals(Map.of("2MB", new Stats.Hugetlb(4194304L, 6291456L, 2L)), cgroup.stats().hugetlb());
    }

    @Test
    void aFileThatDoesNotParseIsAnErrorNamingIt() throws IOException {
        Cgroup cgroup = v1Cgroup();
        Path stat = dir(cgroup, "memory").resolve("memory.stat");
        Files.writeString(stat, "cache 12\nrss twelve\n");

        CgroupException e = assertThrows(CgroupException.class, cgroup::stats);

        assertEquals("cgroup: cannot parse " + stat + ": \"twelve\" is not an unsigned number in \"rss twelve\"",
                e.getMessage());
    }

    @Test
    void statsOfACgroupThatIsGoneIsAnError() throws IOException {
        Cgroup cgroup = new V2Driver(tree.addV2("cg", "memory", "memory"), "/", tree).create("/c", Resources.NONE);
        cgroup.destroy();

        CgroupException e = assertThrows(CgroupException.class, cgroup::stats);
        assertTrue(e.getMessage().startsWith("cgroup: stats: the cgroup no longer exists: "), e.getMessage());
    }

    @Test
    void v1OomKillsAreSummedOverTheSubtreeBecauseV1CountsThemOnlyInTheVictimsCgroup() throws IOException {
        Cgroup cgroup = v1Cgroup();
        Path memory = dir(cgroup, "memory");
        assertEquals(0, cgroup.oomKillCount(), "sample taken before any OOM");

        copy("v1-oom/memory", memory);
        assertEquals(1, cgroup.oomKillCount(), "sample taken after one OOM kill");

        Path child = tree.precreate(memory.resolve("inner"));
        Files.writeString(child.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        assertEquals(3, cgroup.oomKillCount());
    }

    @Test
    void oomControlOfAKernelBefore413HasNoCounterAndReadsAsZero() throws IOException {
        Cgroup cgroup = v1Cgroup();
        Files.writeString(dir(cgroup, "memory").resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\n");

        assertEquals(0, cgroup.oomKillCount());
    }
}
