package dev.berth.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Freezer, cgroup.kill and process listing on fake trees whose writes behave as the kernel's do
 * (freezer.state moving through FREEZING, cgroup.events following cgroup.freeze); the state
 * files start from this host's real samples.
 */
class FreezeKillProcessesTest {
    @TempDir
    Path tmp;
    FakeCgroupTree tree;

    @BeforeEach
    void newTree() {
        tree = new FakeCgroupTree(tmp);
    }

    private Cgroup hybrid(boolean v1Freezer) throws IOException {
        tree.addV1("pids");
        if (v1Freezer) {
            tree.addV1("freezer");
        }
        Path unified = tree.addV2("unified", "", "");
        return new V1Driver(tree.v1Mounts(), unified, Map.of(), tree).create("/c", Resources.NONE);
    }

    private Cgroup v2() throws IOException {
        return new V2Driver(tree.addV2("cg", "memory", "memory"), "/", tree).create("/c", Resources.NONE);
    }

    private static Path dir(Cgroup cgroup, String controller) {
        return Path.of(cgroup.record().paths().get(controller));
    }

    /** cgroup.freeze as the kernel handles it when every task stops at once. */
    private void kernelFreezesAtOnce() {
        tree.onWrite("cgroup.freeze", (file, value) -> {
            Files.writeString(file, value + "\n");
            Files.writeString(file.resolveSibling("cgroup.events"), "populated 1\nfrozen " + value + "\n");
        });
    }

    // ---- v1 freezer ------------------------------------------------------------------------

    @Test
    void v1FreezeWritesFrozenAndThawWritesThawed() throws IOException {
        Cgroup cgroup = hybrid(true);
        FakeCgroupTree.copySamples("v1/freezer", dir(cgroup, "freezer"));
        assertEquals(FreezerState.THAWED, cgroup.freezerState());

        cgroup.freeze();
        assertEquals(FreezerState.FROZEN, cgroup.freezerState());
        cgroup.thaw();
        assertEquals(FreezerState.THAWED, cgroup.freezerState());

        assertEquals(List.of("freezer/c/freezer.state=FROZEN", "freezer/c/freezer.state=THAWED"),
                tree.order("freezer.state", "cgroup.freeze"), "the v1 freezer, not the unified one");
    }

    @Test
    void v1FreezerStateSamplesParse() throws IOException {
        Cgroup cgroup = hybrid(true);
        FakeCgroupTree.copySamples("v1-frozen/freezer", dir(cgroup, "freezer"));
        assertEquals(FreezerState.FROZEN, cgroup.freezerState());
        Files.writeString(dir(cgroup, "freezer").resolve("freezer.state"), "FREEZING\n");
        assertEquals(FreezerState.FREEZING, cgroup.freezerState());
    }

    @Test
    void v1FreezingThatSticksIsRetriedByWritingFrozenAgain() throws IOException {
        Cgroup cgroup = hybrid(true);
        AtomicInteger frozenWrites = new AtomicInteger();
        tree.onWrite("freezer.state", (file, value) -> Files.writeString(file,
                value.equals("FROZEN") && frozenWrites.incrementAndGet() < 4 ? "FREEZING\n" : value + "\n"));

        cgroup.freeze();

        assertEquals(Collections.nCopies(4, "FROZEN"), tree.written("freezer.state"));
        assertEquals(FreezerState.FROZEN, cgroup.freezerState());
    }

    @Test
    void v1FreezerThawsBrieflyEveryFiftyAttemptsAsRuncDoes() throws IOException {
        Cgroup cgroup = hybrid(true);
        AtomicInteger frozenWrites = new AtomicInteger();
        tree.onWrite("freezer.state", (file, value) -> Files.writeString(file,
                value.equals("FROZEN") && frozenWrites.incrementAndGet() < 52 ? "FREEZING\n" : value + "\n"));

        cgroup.freeze();

        List<String> written = tree.written("freezer.state");
        assertEquals(53, written.size(), written.toString());
        assertEquals("THAWED", written.get(50), "after the 50th FROZEN");
        assertEquals("FROZEN", written.getLast());
    }

    @Test
    void v1FreezeThatNeverCompletesTimesOutNamesTheFileAndThawsAgain() throws IOException {
        Cgroup cgroup = hybrid(true);
        Path dir = dir(cgroup, "freezer");
        tree.onWrite("freezer.state", (file, value) ->
                Files.writeString(file, value.equals("FROZEN") ? "FREEZING\n" : value + "\n"));
        Freezer freezer = new Freezer.V1(tree, dir, Duration.ofMillis(150));

        long start = System.nanoTime();
        CgroupException e = assertThrows(CgroupException.class, freezer::freeze);
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(e.getMessage().startsWith("cgroup: freeze: " + dir.resolve("freezer.state")
                + " still reads FREEZING after "), e.getMessage());
        assertTrue(e.getMessage().endsWith("thawed it again"), e.getMessage());
        assertTrue(tookMs >= 150 && tookMs < 2000, "bounded wait: " + tookMs + " ms");
        assertEquals("THAWED", tree.written("freezer.state").getLast());
        assertEquals(FreezerState.THAWED, cgroup.freezerState());
    }

    @Test
    void v1ThawThatAnAncestorKeepsFrozenIsAnError() throws IOException {
        Cgroup cgroup = hybrid(true);
        Path dir = dir(cgroup, "freezer");
        Files.writeString(dir.resolve("freezer.parent_freezing"), "1\n");
        tree.onWrite("freezer.state", (file, value) -> Files.writeString(file, "FROZEN\n"));

        CgroupException e = assertThrows(CgroupException.class, cgroup::thaw);

        assertEquals("cgroup: thaw: " + dir.resolve("freezer.state") + " still reads FROZEN after writing THAWED;"
                + " freezer.parent_freezing is 1 (an ancestor cgroup is frozen)", e.getMessage());
    }

    // ---- cgroup2 freezer -------------------------------------------------------------------

    @Test
    void v2FreezeWaitsUntilCgroupEventsShowsFrozen() throws IOException {
        Cgroup cgroup = v2();
        Path dir = dir(cgroup, "");
        FakeCgroupTree.copySamples("v2-hybrid", dir);
        String frozenEvents = sample("v2-hybrid-frozen/cgroup.events");
        // The kernel sets "frozen 1" once the last task has stopped: here 50 ms after the write.
        tree.onWrite("cgroup.freeze", (file, value) -> {
            Files.writeString(file, value + "\n");
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(50);
                    Path next = Files.writeString(dir.resolve("events.next"), frozenEvents);
                    Files.move(next, dir.resolve("cgroup.events"), StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
        });

        long start = System.nanoTime();
        cgroup.freeze();

        assertTrue(System.nanoTime() - start >= 50_000_000L, "returned before cgroup.events showed frozen 1");
        assertEquals(FreezerState.FROZEN, cgroup.freezerState());
        kernelFreezesAtOnce();
        cgroup.thaw();
        assertEquals(FreezerState.THAWED, cgroup.freezerState());
        assertEquals(List.of("1", "0"), tree.written("cgroup.freeze"));
    }

    @Test
    void v2AskedButNotYetFrozenIsFreezing() throws IOException {
        Cgroup cgroup = v2();
        Path dir = dir(cgroup, "");
        FakeCgroupTree.copySamples("v2-hybrid", dir);
        assertEquals(FreezerState.THAWED, cgroup.freezerState());
        Files.writeString(dir.resolve("cgroup.freeze"), "1\n");
        assertEquals(FreezerState.FREEZING, cgroup.freezerState());
        FakeCgroupTree.copySamples("v2-hybrid-frozen", dir);
        assertEquals(FreezerState.FROZEN, cgroup.freezerState());
    }

    private static String sample(String name) throws IOException {
        try {
            return Files.readString(Path.of(FreezeKillProcessesTest.class.getResource("samples/" + name).toURI()));
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    @Test
    void v2FreezeThatNeverCompletesTimesOutAndWritesZeroBack() throws IOException {
        Cgroup cgroup = v2();
        Path dir = dir(cgroup, "");
        tree.onWrite("cgroup.freeze", (file, value) -> Files.writeString(file, value + "\n")); // events stay frozen 0
        Freezer freezer = new Freezer.V2(tree, dir, Duration.ofMillis(100));

        CgroupException e = assertThrows(CgroupException.class, freezer::freeze);

        assertEquals("cgroup: freeze: " + dir.resolve("cgroup.events") + " still shows \"frozen 0\" 100 ms after"
                + " writing 1 to cgroup.freeze; thawed it again", e.getMessage());
        assertEquals(List.of("1", "0"), tree.written("cgroup.freeze"));
    }

    @Test
    void hybridHostWithoutAV1FreezerUsesTheUnifiedOne() throws IOException {
        Cgroup cgroup = hybrid(false);
        kernelFreezesAtOnce();

        cgroup.freeze();
        assertEquals(FreezerState.FROZEN, cgroup.freezerState());
        cgroup.thaw();

        assertEquals(List.of("unified/c/cgroup.freeze=1", "unified/c/cgroup.freeze=0"), tree.order("cgroup.freeze"));
    }

    @Test
    void aHostWithoutAnyFreezerSaysSo() throws IOException {
        tree.addV1("pids");
        Cgroup cgroup = new V1Driver(tree.v1Mounts(), null, Map.of(), tree).create("/c", Resources.NONE);

        assertEquals(FreezerState.THAWED, cgroup.freezerState(), "nothing can be frozen");
        CgroupException e = assertThrows(CgroupException.class, cgroup::freeze);
        assertEquals("cgroup: freeze: no freezer: the v1 freezer controller is not mounted and there is no"
                + " cgroup2 hierarchy", e.getMessage());
        assertFalse(cgroup.supportsKill());
        assertEquals("cgroup: kill: this host has no cgroup2 hierarchy, hence no cgroup.kill",
                assertThrows(CgroupException.class, cgroup::kill).getMessage());
    }

    // ---- cgroup.kill -----------------------------------------------------------------------

    @Test
    void killWritesCgroupKill() throws IOException {
        Cgroup cgroup = v2();
        assertTrue(cgroup.supportsKill());

        cgroup.kill();

        assertEquals(List.of("cg/c/cgroup.kill=1"), tree.order("cgroup.kill"));
    }

    @Test
    void killOnAHybridHostThawsAV1FrozenCgroupAfterSignalling() throws IOException {
        Cgroup cgroup = hybrid(true);
        cgroup.freeze();

        cgroup.kill();

        assertEquals(List.of("freezer/c/freezer.state=FROZEN", "unified/c/cgroup.kill=1",
                "freezer/c/freezer.state=THAWED"), tree.order("freezer.state", "cgroup.kill"));
    }

    @Test
    void killOfAThawedHybridCgroupLeavesTheFreezerAlone() throws IOException {
        Cgroup cgroup = hybrid(true);

        cgroup.kill();

        assertEquals(List.of("unified/c/cgroup.kill=1"), tree.order("freezer.state", "cgroup.kill"));
    }

    @Test
    void aKernelBefore514HasNoCgroupKill() throws IOException {
        Cgroup cgroup = v2();
        Path kill = dir(cgroup, "").resolve("cgroup.kill");
        Files.delete(kill);

        assertFalse(cgroup.supportsKill());
        CgroupException e = assertThrows(CgroupException.class, cgroup::kill);
        assertEquals("cgroup: kill: " + kill + " does not exist (it needs kernel 5.14+)", e.getMessage());
    }

    // ---- processes -------------------------------------------------------------------------

    @Test
    void processesCoverNestedCgroupsOnceEach() throws IOException {
        Cgroup cgroup = hybrid(false);
        Path pids = dir(cgroup, "pids");
        cgroup.addProcess(10);
        Path a = tree.precreate(pids.resolve("a"));
        Path b = tree.precreate(pids.resolve("a/b"));
        Files.writeString(a.resolve("cgroup.procs"), "20\n21\n");
        // A v1 process whose threads are split over two cgroups shows in both.
        Files.writeString(b.resolve("cgroup.procs"), "30\n21\n");

        assertEquals(List.of(10, 20, 21, 30), cgroup.processes());
    }

    @Test
    void processesSkipChildrenThatVanishOrAreThreaded() throws IOException {
        Cgroup cgroup = v2();
        Path dir = dir(cgroup, "");
        cgroup.addProcess(10);
        Path gone = tree.precreate(dir.resolve("gone"));
        Path threaded = tree.precreate(dir.resolve("threaded"));
        Path below = tree.precreate(dir.resolve("threaded/below"));
        Files.writeString(below.resolve("cgroup.procs"), "40\n");
        tree.failReads(gone.resolve("cgroup.procs"), "No such device");
        tree.failReads(threaded.resolve("cgroup.procs"), "Operation not supported");

        // The threaded subtree's processes are listed by its threaded domain (here: the cgroup).
        assertEquals(List.of(10), cgroup.processes());
    }

    @Test
    void otherReadErrorsOfAChildAreReported() throws IOException {
        Cgroup cgroup = v2();
        Path child = tree.precreate(dir(cgroup, "").resolve("locked"));
        tree.failReads(child.resolve("cgroup.procs"), "Permission denied");

        CgroupException e = assertThrows(CgroupException.class, cgroup::processes);
        assertEquals("cgroup: read " + child.resolve("cgroup.procs") + ": EACCES (Permission denied)", e.getMessage());
    }
}
