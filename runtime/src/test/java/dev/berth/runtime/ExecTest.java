package dev.berth.runtime;

import dev.berth.spec.Process;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `exec`: a second process joins the running container's namespaces, cgroup and credentials. */
class ExecTest extends ContainerTest {

    private void startSleeper() {
        bundle.shell("sleep 1000").write();
        runtime.create(id, bundle.dir, CreateOptions.DEFAULT);
        runtime.start(id);
    }

    private Process process(List<String> args, Process.User user) {
        Process p = runtime.containerProcess(id);
        return new Process(false, null, user == null ? p.user() : user, args, null, p.env(), p.cwd(),
                p.capabilities(), p.rlimits(), p.noNewPrivileges(), null, null, null, null, null);
    }

    @Test
    void execJoinsTheContainerAndReturnsItsExitCode() {
        startSleeper();
        try {
            int code = runtime.exec(id, process(List.of("sh", "-c",
                    "exec > /out/exec; hostname; cat /proc/1/comm; grep -E '^Cap(Eff|Bnd)' /proc/self/status; exit 5"), null),
                    ExecOptions.DEFAULT);
            assertEquals(5, code);
            List<String> lines = read("exec").lines().toList();
            assertEquals("berth-test", lines.get(0), "not in the container's uts namespace");
            assertEquals("sleep", lines.get(1), "not in the container's pid namespace");
            long expected = (1L << 5) | (1L << 10) | (1L << 29);
            for (String line : lines.subList(2, 4)) {
                assertEquals(expected, Long.parseUnsignedLong(line.split("\\s+")[1], 16), line);
            }
        } finally {
            runtime.delete(id, true);
        }
    }

    @Test
    void execGetsTheContainersPersonality() {
        bundle.linux().putObject("personality").put("domain", "LINUX32");
        startSleeper();
        try {
            assertEquals(0, runtime.exec(id, process(List.of("sh", "-c", "cat /proc/self/personality > /out/exec"),
                    null), ExecOptions.DEFAULT));
            // PER_LINUX32 is 0x0008 (<sys/personality.h>), as in the container's first process.
            assertEquals("00000008\n", read("exec"));
        } finally {
            runtime.delete(id, true);
        }
    }

    @Test
    void detachedExecIsInTheContainersCgroupAndWritesItsPid() throws Exception {
        startSleeper();
        try {
            Path pidFile = tmp.resolve("exec.pid");
            assertEquals(0, runtime.exec(id, process(List.of("sleep", "1000"), null), new ExecOptions(true, pidFile, 0, null)));
            int pid = Integer.parseInt(Files.readString(pidFile));
            String cgroups = Files.readString(Path.of("/proc/" + pid + "/cgroup"));
            assertTrue(cgroups.contains("memory:/berth-" + id), cgroups);
        } finally {
            runtime.delete(id, true);
        }
    }

    @Test
    void execAsAnotherUser() {
        startSleeper();
        try {
            assertEquals(0, runtime.exec(id, process(List.of("sh", "-c", "id -u > /out/uid"),
                    new Process.User(1000L, 1000L, null, null, null)), ExecOptions.DEFAULT));
            assertEquals("1000\n", read("uid"));
        } finally {
            runtime.delete(id, true);
        }
    }

    @Test
    void execOfAMissingCommandIsAClearError() {
        startSleeper();
        try {
            RuntimeFailure failure = assertThrows(RuntimeFailure.class,
                    () -> runtime.exec(id, process(List.of("no-such-tool"), null), ExecOptions.DEFAULT));
            assertTrue(failure.getMessage().contains("no-such-tool") && failure.getMessage().contains("ENOENT"), failure.getMessage());
        } finally {
            runtime.delete(id, true);
        }
    }

    @Test
    void execIntoAStoppedContainerIsRefused() {
        runtime.create(id, bundle.dir, CreateOptions.DEFAULT);
        runtime.start(id);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (runtime.state(id).status() != ContainerStatus.STOPPED) {
            assertTrue(System.nanoTime() < deadline);
        }
        try {
            assertEquals("cannot exec in a stopped container", assertThrows(RuntimeFailure.class,
                    () -> runtime.exec(id, process(List.of("true"), null), ExecOptions.DEFAULT)).getMessage());
        } finally {
            runtime.delete(id, false);
        }
    }
}
