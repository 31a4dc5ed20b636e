package dev.berth.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Freeze, kill, stats, OOM counting and process listing on this machine's real hybrid hierarchy
 * (root required): v1 controllers including the freezer, cgroup2 at /sys/fs/cgroup/unified.
 * Everything lives under /berth-test-ops-&lt;random&gt; in each hierarchy and is thawed and removed
 * afterwards, together with every process the test started.
 */
class RealV1OpsTest {
    static final long MIB = 1024 * 1024;

    final String name = "berth-test-ops-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    final RealCgroups real = new RealCgroups();
    final List<Path> tops = new ArrayList<>();
    V1Driver driver;
    @TempDir
    Path tmp;

    @BeforeEach
    void probeThisHost() throws IOException {
        boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
        if (!root) {
            fail("these tests create real cgroups and need to run as root");
        }
        driver = assertInstanceOf(V1Driver.class, CgroupDriver.probe(),
                "this test host is expected to run cgroup v1 (hybrid)");
        if (!driver.mounts().containsKey("freezer") || driver.unifiedMount() == null) {
            fail("this test host is expected to mount the v1 freezer and cgroup2 at /sys/fs/cgroup/unified");
        }
        driver.mounts().values().stream().distinct().forEach(m -> tops.add(m.resolve(name)));
        tops.add(driver.unifiedMount().resolve(name));
        tops.forEach(real::removeLater);
    }

    @AfterEach
    void removeEverythingOfThisTest() throws Exception {
        real.close();
        assertEquals(List.of(), tops.stream().filter(Files::exists).toList(), "cgroups left behind");
    }

    private Path dir(Cgroup cgroup, String controller) {
        return Path.of(cgroup.record().paths().get(controller));
    }

    @Test
    void freezeStopsTheProcessesAndThawLetsThemGoOn() throws Exception {
        Cgroup cgroup = driver.create("/" + name + "/f", Resources.NONE);
        Path counter = tmp.resolve("counter");
        Process loop = real.counterLoop(counter);
        cgroup.addProcess((int) loop.pid());
        RealCgroups.awaitGrowth(() -> RealCgroups.size(counter), 0, "the counter file");

        cgroup.freeze();

        assertEquals(FreezerState.FROZEN, cgroup.freezerState());
        assertEquals("FROZEN", Files.readString(dir(cgroup, "freezer").resolve("freezer.state")).strip());
        assertEquals("0", Files.readString(dir(cgroup, "").resolve("cgroup.freeze")).strip(),
                "on a hybrid host the v1 freezer is used, not cgroup2's");
        // A task in the v1 refrigerator shows as D: TASK_FROZEN since the 6.1 freezer rewrite,
        // TASK_UNINTERRUPTIBLE before it.
        assertEquals("D", RealCgroups.state(loop.pid()));
        long frozenAt = RealCgroups.size(counter);
        Thread.sleep(300);
        assertEquals(frozenAt, RealCgroups.size(counter), "a frozen shell made progress");

        cgroup.thaw();

        assertEquals(FreezerState.THAWED, cgroup.freezerState());
        RealCgroups.awaitGrowth(() -> RealCgroups.size(counter), frozenAt, "the counter after thaw");
        loop.destroyForcibly().waitFor();
        cgroup.destroy();
    }

    @Test
    void statsOfACgroupWhoseProcessAllocatedMemory() throws Exception {
        Resources limits = new Resources(new Resources.Memory(64 * MIB, null, null, null, null, null, null),
                Res.quota(50_000L, 100_000L), new Resources.Pids(32), null, null, null, null);
        Cgroup cgroup = driver.create("/" + name + "/s", limits);
        // The shell keeps a 20 MB string in its heap and then blocks on read.
        Process shell = real.start("sh", "-c",
                "read go; x=$(head -c 20000000 /dev/zero | tr '\\0' a); echo ready; read wait; echo ${#x}");
        cgroup.addProcess((int) shell.pid());
        RealCgroups.go(shell);
        assertEquals("ready", RealCgroups.readLine(shell));
        awaitSleeping(shell);

        Stats stats = cgroup.stats();

        Stats.Memory memory = stats.memory();
        assertEquals(64 * MIB, memory.usage().limit());
        assertTrue(memory.usage().usage() >= 20_000_000, "usage " + memory.usage());
        assertTrue(memory.raw().get("total_rss") >= 20_000_000, "memory.stat " + memory.raw());
        assertTrue(memory.usage().max() >= memory.usage().usage(), memory.usage().toString());
        assertNotNull(memory.cache());
        assertTrue(memory.swap().usage() >= memory.usage().usage(), "memsw counts memory too: " + memory.swap());
        assertEquals(new Stats.Pids(1L, 32L), stats.pids(), "only the shell is left; its limit");

        Stats.CpuUsage cpu = stats.cpu().usage();
        assertTrue(cpu.total() > 0, cpu.toString());
        assertEquals(possibleCpus(), cpu.percpu().size());
        assertEquals(cpu.total(), cpu.percpu().stream().mapToLong(Long::longValue).sum(),
                "cpuacct.usage is the sum of usage_percpu while the cgroup is idle");
        assertTrue(cpu.kernel() + cpu.user() > 0, cpu.toString());
        assertNotNull(stats.cpu().throttling().periods(), "cpu.stat with a quota set");
        assertNotNull(stats.blkio().ioServiceBytesRecursive());
        assertEquals(java.util.Map.of(), stats.hugetlb());

        RealCgroups.go(shell);
        assertEquals("20000000", RealCgroups.readLine(shell));
        assertEquals(0, shell.waitFor());
        cgroup.destroy();
    }

    @Test
    void oomKillsAreCountedInTheCgroupAndInCgroupsTheContainerMadeBelowIt() throws Exception {
        Cgroup cgroup = driver.create("/" + name + "/oom", Res.memory(16 * MIB, null));
        assertEquals(0, cgroup.oomKillCount());

        assertEquals(137, oomKilledShell(cgroup, null), "SIGKILL by the OOM killer");
        assertEquals(1, cgroup.oomKillCount());
        Stats.MemoryEntry usage = cgroup.stats().memory().usage();
        assertTrue(usage.failcnt() > 0, usage.toString());
        assertTrue(usage.max() <= 16 * MIB && usage.max() > 8 * MIB, usage.toString());

        // A child cgroup of the container's (as a nested runtime makes): v1 counts the kill there only.
        Path inner = Files.createDirectory(dir(cgroup, "memory").resolve("inner"));
        assertEquals(137, oomKilledShell(cgroup, inner));
        assertEquals("1", oomKillLine(dir(cgroup, "memory")), "the limit's own cgroup does not count it");
        assertEquals(2, cgroup.oomKillCount());

        cgroup.destroy(); // removes "inner" too
    }

    /** Runs a shell that doubles a string until the OOM killer stops it; returns its exit status. */
    private int oomKilledShell(Cgroup cgroup, Path memoryChild) throws Exception {
        Process shell = real.start("sh", "-c", "read go; x=a; while :; do x=$x$x; done");
        cgroup.addProcess((int) shell.pid());
        if (memoryChild != null) {
            Files.writeString(memoryChild.resolve("cgroup.procs"), Long.toString(shell.pid()));
        }
        RealCgroups.go(shell);
        assertTrue(shell.waitFor(30, TimeUnit.SECONDS), "the shell outgrew 16 MB without being killed");
        return shell.exitValue();
    }

    private static String oomKillLine(Path memoryDir) throws IOException {
        return Files.readAllLines(memoryDir.resolve("memory.oom_control")).stream()
                .filter(l -> l.startsWith("oom_kill ")).findFirst().orElseThrow().substring("oom_kill ".length());
    }

    @Test
    void cgroupKillReachesAProcessFrozenByTheV1Freezer() throws Exception {
        Cgroup cgroup = driver.create("/" + name + "/k", Resources.NONE);
        Process sleep = real.start("sleep", "300");
        cgroup.addProcess((int) sleep.pid());
        cgroup.freeze();
        assertEquals("D", RealCgroups.state(sleep.pid()));
        assertTrue(cgroup.supportsKill(), "cgroup.kill in " + dir(cgroup, ""));

        cgroup.kill();

        assertTrue(sleep.waitFor(5, TimeUnit.SECONDS), "a frozen process survived cgroup.kill");
        assertEquals(137, sleep.exitValue());
        assertEquals(FreezerState.THAWED, cgroup.freezerState());
        assertEquals(List.of(), cgroup.processes());
        cgroup.destroy();
    }

    @Test
    void processesIncludeThoseInCgroupsTheContainerMadeBelowItsOwn() throws Exception {
        Cgroup cgroup = driver.create("/" + name + "/ps", Resources.NONE);
        Process top = real.start("sleep", "300");
        Process nested = real.start("sleep", "300");
        cgroup.addProcess((int) top.pid());
        cgroup.addProcess((int) nested.pid());
        Path inner = Files.createDirectories(dir(cgroup, "pids").resolve("a/b"));
        Files.writeString(inner.resolve("cgroup.procs"), Long.toString(nested.pid()));

        assertEquals(Set.of((int) top.pid(), (int) nested.pid()), Set.copyOf(cgroup.processes()));
        assertEquals(2, cgroup.processes().size());

        top.destroyForcibly().waitFor();
        nested.destroyForcibly().waitFor();
        cgroup.destroy();
    }

    private static void awaitSleeping(Process process) throws Exception {
        for (int i = 0; i < 500 && !RealCgroups.state(process.pid()).equals("S"); i++) {
            Thread.sleep(10);
        }
        assertEquals("S", RealCgroups.state(process.pid()), "the shell should be blocked in read");
    }

    /** Entries of cpuacct.usage_percpu: one per possible CPU (for_each_possible_cpu). */
    private static int possibleCpus() throws IOException {
        int count = 0;
        for (String range : Files.readString(Path.of("/sys/devices/system/cpu/possible")).strip().split(",")) {
            String[] bounds = range.split("-");
            count += bounds.length == 1 ? 1 : Integer.parseInt(bounds[1]) - Integer.parseInt(bounds[0]) + 1;
        }
        return count;
    }
}
