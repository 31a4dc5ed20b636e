package dev.berth.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v2 driver on a real cgroup2 hierarchy: this hybrid host's /sys/fs/cgroup/unified. It has
 * no resource controllers enabled, but it is real cgroupfs: mkdir, cgroup.procs, populated-cgroup
 * rmdir semantics and controller availability all come from the kernel, not from a fake.
 */
class RealV2UnifiedTest {
    static final Path UNIFIED = Path.of("/sys/fs/cgroup/unified");

    final String name = "berth-test-v2-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    final RealCgroups real = new RealCgroups();
    Process sleeper;
    @TempDir
    Path tmp;

    @BeforeEach
    void requireUnifiedHierarchy() {
        if (!Files.exists(UNIFIED.resolve("cgroup.procs"))) {
            fail("this test needs the cgroup2 mount at " + UNIFIED + " (hybrid mode, as on berth's CI machines)");
        }
        real.removeLater(UNIFIED.resolve(name));
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (sleeper != null) {
            sleeper.destroyForcibly().waitFor();
        }
        real.close();
        assertFalse(Files.exists(UNIFIED.resolve(name)), "cgroups left behind");
    }

    @Test
    void createAddListAndDestroyForReal() throws Exception {
        CgroupDriver driver = CgroupDriver.v2(UNIFIED, "/");
        Cgroup cgroup = driver.create("/" + name + "/c1", Resources.NONE);
        Path dir = UNIFIED.resolve(name).resolve("c1");
        assertTrue(Files.isDirectory(dir));
        assertEquals(List.of(UNIFIED.resolve(name).toString(), dir.toString()), cgroup.record().created());

        sleeper = new ProcessBuilder("sleep", "30").start();
        cgroup.addProcess((int) sleeper.pid());
        assertEquals(List.of((int) sleeper.pid()), cgroup.processes());
        assertTrue(Files.readString(Path.of("/proc/" + sleeper.pid() + "/cgroup")).contains("0::/" + name + "/c1"));

        // The kernel refuses to remove a populated cgroup; destroy says so and keeps it.
        assertThrows(CgroupException.class, cgroup::destroy);
        assertTrue(Files.isDirectory(dir));

        sleeper.destroyForcibly().waitFor();
        driver.open(cgroup.record()).destroy();
        assertFalse(Files.exists(UNIFIED.resolve(name)), "destroy left the parent it created");
    }

    @Test
    void freezeAndThawThroughCgroupFreeze() throws Exception {
        Cgroup cgroup = CgroupDriver.v2(UNIFIED, "/").create("/" + name + "/f", Resources.NONE);
        Path dir = UNIFIED.resolve(name).resolve("f");
        Path counter = tmp.resolve("counter");
        Process loop = real.counterLoop(counter);
        cgroup.addProcess((int) loop.pid());
        RealCgroups.awaitGrowth(() -> RealCgroups.size(counter), 0, "the counter file");

        cgroup.freeze();

        assertEquals(FreezerState.FROZEN, cgroup.freezerState());
        assertEquals("1", Files.readString(dir.resolve("cgroup.freeze")).strip());
        assertTrue(Files.readAllLines(dir.resolve("cgroup.events")).contains("frozen 1"));
        // cgroup2 parks frozen tasks in do_freezer_trap, an interruptible sleep (unlike v1's D).
        assertEquals("S", RealCgroups.state(loop.pid()));
        long frozenAt = RealCgroups.size(counter);
        Thread.sleep(300);
        assertEquals(frozenAt, RealCgroups.size(counter), "a frozen shell made progress");

        cgroup.thaw();

        assertEquals(FreezerState.THAWED, cgroup.freezerState());
        assertTrue(Files.readAllLines(dir.resolve("cgroup.events")).contains("frozen 0"));
        RealCgroups.awaitGrowth(() -> RealCgroups.size(counter), frozenAt, "the counter after thaw");
        loop.destroyForcibly().waitFor();
        cgroup.destroy();
    }

    @Test
    void cgroupKillKillsNestedAndFrozenProcesses() throws Exception {
        Cgroup cgroup = CgroupDriver.v2(UNIFIED, "/").create("/" + name + "/k", Resources.NONE);
        Process top = real.start("sleep", "300");
        Process nested = real.start("sleep", "300");
        cgroup.addProcess((int) top.pid());
        Path inner = Files.createDirectory(UNIFIED.resolve(name).resolve("k/inner"));
        Files.writeString(inner.resolve("cgroup.procs"), Long.toString(nested.pid()));
        assertEquals(Set.of((int) top.pid(), (int) nested.pid()), Set.copyOf(cgroup.processes()));
        cgroup.freeze();
        assertTrue(cgroup.supportsKill());

        cgroup.kill();

        // No thaw needed on cgroup2: a fatal signal wakes a task in the freezer trap.
        assertTrue(top.waitFor(5, TimeUnit.SECONDS) && nested.waitFor(5, TimeUnit.SECONDS),
                "processes survived cgroup.kill");
        assertEquals(137, top.exitValue());
        assertEquals(137, nested.exitValue());
        assertEquals(List.of(), cgroup.processes());
        cgroup.destroy(); // "inner" too
    }

    @Test
    void statsWithoutControllersHaveOnlyTheCoreCpuStat() throws Exception {
        Cgroup cgroup = CgroupDriver.v2(UNIFIED, "/").create("/" + name + "/s", Resources.NONE);
        Process busy = real.start("sh", "-c", "read go; i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done");
        cgroup.addProcess((int) busy.pid());
        RealCgroups.go(busy);
        assertEquals(0, busy.waitFor());

        Stats stats = cgroup.stats();

        assertTrue(stats.cpu().usage().total() > 1_000_000, "the loop took more than 1 ms: " + stats.cpu());
        assertEquals(stats.cpu().usage().total(), stats.cpu().usage().kernel() + stats.cpu().usage().user(), 1_000_000,
                "usage = user + system (to the microsecond rounding of each)");
        assertNull(stats.cpu().throttling(), "the cpu controller is not enabled here");
        assertNull(stats.memory());
        assertNull(stats.pids());
        assertNull(stats.blkio());
        assertEquals(Map.of(), stats.hugetlb());
        assertEquals(0, cgroup.oomKillCount());
        cgroup.destroy();
    }

    @Test
    void aControllerTheHierarchyDoesNotOfferIsAClearError() {
        CgroupDriver driver = CgroupDriver.v2(UNIFIED, "/");
        Resources memory = new Resources(new Resources.Memory(64L << 20, null, null, null, null, null, null),
                null, null, null, null, null, null);
        CgroupException error = assertThrows(CgroupException.class, () -> driver.create("/" + name + "/c1", memory));
        assertTrue(error.getMessage().contains("memory"), error.getMessage());
        assertFalse(Files.exists(UNIFIED.resolve(name)), "a failed create left a directory");
    }
}
