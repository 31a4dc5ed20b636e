package dev.berth.runtime;

import dev.berth.cgroups.Resources;
import dev.berth.cgroups.Stats;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Operations on a running container: pause/resume, update, processes, stats, OOM counts. */
class OperationsTest extends ContainerTest {

    private void startWith(String script) {
        bundle.shell(script).write();
        runtime.create(id, bundle.dir, CreateOptions.DEFAULT);
        runtime.start(id);
    }

    private long counter() throws Exception {
        Path file = out.resolve("count");
        return Files.exists(file) ? Files.size(file) : 0;
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void pauseFreezesEveryProcessAndResumeThawsThem() throws Exception {
        // Appending never shows a truncated file to the reader: the size only grows while it runs.
        startWith("while :; do echo x >> /out/count; done");
        try {
            sleep(100);
            runtime.pause(id);
            assertEquals(ContainerStatus.PAUSED, runtime.state(id).status());
            long frozen = counter();
            sleep(300);
            assertEquals(frozen, counter(), "the loop ran while paused");
            assertEquals("cannot exec in a paused container", assertThrows(RuntimeFailure.class,
                    () -> runtime.exec(id, runtime.containerProcess(id), ExecOptions.DEFAULT)).getMessage());
            runtime.resume(id);
            assertEquals(ContainerStatus.RUNNING, runtime.state(id).status());
            sleep(300);
            assertTrue(counter() > frozen, "the loop did not go on after resume");
            assertEquals("container not paused", assertThrows(RuntimeFailure.class, () -> runtime.resume(id)).getMessage());
        } finally {
            runtime.delete(id, true);
        }
    }

    @Test
    void forceDeleteOfAPausedContainer() {
        startWith("sleep 1000");
        runtime.pause(id);
        runtime.delete(id, true);
        assertThrows(ContainerNotFoundException.class, () -> runtime.state(id));
    }

    @Test
    void updateChangesLimitsOfARunningContainer() throws Exception {
        startWith("sleep 1000");
        try {
            runtime.update(id, new Resources(new Resources.Memory(48L << 20, null, null, null, null, null, null),
                    null, new Resources.Pids(33), null, null, null, null));
            assertEquals("50331648", Files.readString(Path.of("/sys/fs/cgroup/memory/berth-" + id + "/memory.limit_in_bytes")).trim());
            assertEquals("33", Files.readString(Path.of("/sys/fs/cgroup/pids/berth-" + id + "/pids.max")).trim());
        } finally {
            runtime.delete(id, true);
        }
    }

    @Test
    void processesAndStats() {
        startWith("sleep 1000 & sleep 1000 & wait");
        try {
            long deadline = System.nanoTime() + 5_000_000_000L;
            List<Integer> pids;
            while ((pids = runtime.processes(id)).size() < 3) {
                assertTrue(System.nanoTime() < deadline, "expected sh and two sleeps: " + pids);
            }
            assertTrue(pids.contains(runtime.state(id).pid()));
            Stats stats = runtime.stats(id);
            assertEquals(3L, stats.pids().current());
            assertTrue(stats.memory().usage().usage() > 0);
            assertTrue(stats.cpu().usage().total() > 0);
        } finally {
            runtime.delete(id, true);
        }
    }

    @Test
    void oomKillsAreCounted() {
        bundle.resources().putObject("memory").put("limit", 32L << 20);
        startWith("(x=aaaaaaaa; while :; do x=$x$x; done); echo survived > /out/stdout; sleep 1000");
        try {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!read("stdout").equals("survived\n")) {
                assertTrue(System.nanoTime() < deadline, "the hog was never killed");
                sleep(20);
            }
            assertEquals(1, runtime.oomKills(id));
        } finally {
            runtime.delete(id, true);
        }
    }
}
