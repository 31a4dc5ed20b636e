package dev.berth.runtime;

import dev.berth.linux.Signals;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state machine of runtime.md: creating, created, running, stopped; and what each verb allows. */
class LifecycleTest extends ContainerTest {

    @Test
    void createStartStopDelete() throws Exception {
        bundle.shell("read line < /out/go; echo started > /out/stdout").write();
        mkfifo(out.resolve("go"));
        Path pidFile = tmp.resolve("pid");
        ContainerState created = runtime.create(id, bundle.dir, new CreateOptions(pidFile, null, false, 0));
        assertEquals(ContainerStatus.CREATED, created.status());
        assertEquals(ContainerStatus.CREATED, runtime.state(id).status());
        assertEquals(Integer.toString(created.pid()), Files.readString(pidFile));
        assertEquals(bundle.dir, created.bundle());
        assertEquals("", read("stdout"), "the process must not run before start");

        runtime.start(id);
        assertEquals(ContainerStatus.RUNNING, runtime.state(id).status());
        RuntimeFailure startTwice = assertThrows(RuntimeFailure.class, () -> runtime.start(id));
        assertEquals("cannot start an already running container", startTwice.getMessage());
        RuntimeFailure deleteRunning = assertThrows(RuntimeFailure.class, () -> runtime.delete(id, false));
        assertEquals("cannot delete container " + id + " that is not stopped: running", deleteRunning.getMessage());

        Files.writeString(out.resolve("go"), "go\n");
        waitForStatus(ContainerStatus.STOPPED);
        assertEquals("started\n", read("stdout"));
        assertEquals(0, runtime.state(id).pid(), "a stopped container reports pid 0, as runc does");
        assertEquals("cannot start a container that has stopped",
                assertThrows(RuntimeFailure.class, () -> runtime.start(id)).getMessage());
        assertEquals("container not running",
                assertThrows(RuntimeFailure.class, () -> runtime.kill(id, Signals.SIGTERM, false)).getMessage());

        runtime.delete(id, false);
        assertThrows(ContainerNotFoundException.class, () -> runtime.state(id));
    }

    @Test
    void killRunningContainer() {
        bundle.shell("sleep 1000").write();
        runtime.create(id, bundle.dir, CreateOptions.DEFAULT);
        runtime.start(id);
        runtime.kill(id, Signals.SIGKILL, false);
        waitForStatus(ContainerStatus.STOPPED);
        runtime.delete(id, false);
    }

    @Test
    void killAllReachesEveryProcess() {
        bundle.shell("sleep 1000 & sleep 1000 & wait").write();
        runtime.create(id, bundle.dir, CreateOptions.DEFAULT);
        runtime.start(id);
        runtime.kill(id, Signals.SIGKILL, true);
        waitForStatus(ContainerStatus.STOPPED);
        runtime.delete(id, false);
    }

    @Test
    void deleteOfCreatedContainerKillsIt() {
        bundle.shell("echo ran > /out/stdout").write();
        ContainerState created = runtime.create(id, bundle.dir, CreateOptions.DEFAULT);
        runtime.delete(id, false);
        assertTrue(gone(created.pid()), "init still exists after delete");
        assertEquals("", read("stdout"));
    }

    @Test
    void forceDeleteOfRunningContainer() {
        bundle.shell("sleep 1000").write();
        ContainerState created = runtime.create(id, bundle.dir, CreateOptions.DEFAULT);
        runtime.start(id);
        runtime.delete(id, true);
        assertTrue(gone(created.pid()), "init still exists after delete");
        assertThrows(ContainerNotFoundException.class, () -> runtime.state(id));
    }

    @Test
    void listShowsContainers() {
        bundle.shell("sleep 1000").write();
        runtime.create(id, bundle.dir, CreateOptions.DEFAULT);
        try {
            assertEquals(1, runtime.list().size());
            assertEquals(id, runtime.list().getFirst().id());
            assertEquals(ContainerStatus.CREATED, runtime.list().getFirst().status());
        } finally {
            runtime.delete(id, true);
        }
        assertTrue(runtime.list().isEmpty());
    }

    @Test
    void runReturnsExitCodeAndRemovesContainer() {
        assertEquals(42, run("exit 42").exitCode());
        assertThrows(ContainerNotFoundException.class, () -> runtime.state(id));
    }

    @Test
    void deathBySignalIs128PlusSignal() {
        // Without a pid namespace: an init (PID 1) ignores signals it has no handler for, even
        // its own (pid_namespaces(7)).
        var namespaces = bundle.linux().putArray("namespaces");
        for (String type : new String[] {"mount", "uts", "ipc", "network"}) {
            namespaces.add(bundle.json("{\"type\": \"" + type + "\"}"));
        }
        bundle.write();
        assertEquals(128 + 15, run("kill -TERM $$; sleep 5").exitCode());
    }

    @Test
    void runDetachedLeavesItRunning() {
        bundle.shell("sleep 1000").write();
        assertEquals(0, runtime.run(id, bundle.dir, CreateOptions.DEFAULT, true));
        assertEquals(ContainerStatus.RUNNING, runtime.state(id).status());
        runtime.delete(id, true);
    }

    private void waitForStatus(ContainerStatus wanted) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (runtime.state(id).status() != wanted) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("container never became " + wanted + "; is " + runtime.state(id).status());
            }
            Thread.onSpinWait();
        }
    }

    /** Exited: no such process, or a zombie its parent (init, a shim) has yet to reap. */
    static boolean gone(int pid) {
        ProcStat stat = ProcStat.read(pid);
        return stat == null || stat.isZombieOrDead();
    }

    static void mkfifo(Path path) {
        dev.berth.linux.FileSystemCalls.mkfifo(path, 0666);
    }
}
