package dev.berth.runtime.seccomp;

import static dev.berth.runtime.seccomp.Profiles.profile;
import static dev.berth.runtime.seccomp.Profiles.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.linux.Errno;
import dev.berth.linux.Fd;
import dev.berth.linux.OpenFlags;
import dev.berth.linux.Processes;
import dev.berth.linux.SocketPair;
import dev.berth.linux.Spawn;
import dev.berth.linux.WaitStatus;
import dev.berth.runtime.plan.LaunchPlan;
import dev.berth.runtime.plan.LauncherMessage;
import dev.berth.runtime.plan.Step;
import dev.berth.runtime.plan.Steps;
import dev.berth.spec.Seccomp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiled filters in the real kernel: berth-launcher (built by {@code mvn -pl launcher compile},
 * found through -Dberth.launcher) runs a plan whose last step before EXEC is SECCOMP, and the
 * shell it executes lives under the filter. The launcher is a direct child of the test JVM, which
 * stays unfiltered; every test reaps it.
 */
class SeccompLaunchTest {
    private static final int SIGKILL = 9;
    private static final List<String> ENV = List.of("PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C");
    private static final Seccomp MKDIR_EPERM = profile("SCMP_ACT_ALLOW",
            rule("SCMP_ACT_ERRNO", null, List.of("mkdir", "mkdirat")));

    @TempDir
    Path tmp;

    record Outcome(WaitStatus status, String stdout, String stderr, LauncherMessage error, LaunchPlan plan) {
    }

    @Test
    void mkdirFailsWithEpermWhileEverythingElseRuns() throws IOException {
        Path blocked = tmp.resolve("blocked");
        Outcome run = launch(List.of(seccomp(MKDIR_EPERM)), "echo before; mkdir " + blocked
                + "; echo \"mkdir exit $?\"; grep -E '^Seccomp(_filters)?:' /proc/self/status");
        assertNull(run.error(), "no launcher error");
        assertEquals(0, run.status().shellCode(), run.stderr());
        assertTrue(run.stdout().startsWith("before\nmkdir exit 1\n"), run.stdout());
        assertTrue(run.stdout().contains("Seccomp:\t2\n"), "mode 2 is SECCOMP_MODE_FILTER: " + run.stdout());
        assertTrue(run.stdout().contains("Seccomp_filters:\t" + (ownFilters() + 1) + "\n"), run.stdout());
        assertTrue(run.stderr().contains("Operation not permitted"), run.stderr());
        assertFalse(Files.exists(blocked));
    }

    @Test
    void errnoRetChoosesTheError() {
        Seccomp enospc = profile("SCMP_ACT_ALLOW", rule("SCMP_ACT_ERRNO", 28L, List.of("mkdir", "mkdirat")));
        Outcome run = launch(List.of(seccomp(enospc)), "mkdir " + tmp.resolve("d") + " || echo refused");
        assertEquals("refused\n", run.stdout());
        assertTrue(run.stderr().contains("No space left on device"), run.stderr());
    }

    @Test
    void killProcessEndsTheCallerWithSigsys() {
        Seccomp kill = profile("SCMP_ACT_ALLOW", rule("SCMP_ACT_KILL_PROCESS", null, List.of("mkdir", "mkdirat")));
        Outcome run = launch(List.of(seccomp(kill)), "mkdir " + tmp.resolve("d") + "; echo \"status $?\"");
        assertEquals("status " + (128 + 31) + "\n", run.stdout(), "128 + SIGSYS");
    }

    @Test
    void argumentConditionsHoldInTheKernel() {
        // openat(2) with O_CREAT in its flags (argument 2) refused: reading works, creating does not.
        Seccomp noCreate = profile("SCMP_ACT_ALLOW", rule("SCMP_ACT_ERRNO", null, List.of("openat"),
                Profiles.masked(2, OpenFlags.O_CREAT, OpenFlags.O_CREAT)));
        Path file = tmp.resolve("created");
        Outcome run = launch(List.of(seccomp(noCreate)), "read line < /proc/self/status && echo \"$line\";"
                + " echo x > " + file + " || echo 'create refused'");
        assertTrue(run.stdout().startsWith("Name:"), run.stdout());
        assertTrue(run.stdout().endsWith("create refused\n"), run.stdout());
        assertFalse(Files.exists(file));
    }

    @Test
    void afterNoNewPrivsTheFilterNeedsNoPrivilege() {
        Outcome run = launch(List.of(Steps.noNewPrivs(), seccomp(MKDIR_EPERM)),
                "grep '^NoNewPrivs:' /proc/self/status; mkdir " + tmp.resolve("d") + " || echo refused");
        assertEquals("NoNewPrivs:\t1\nrefused\n", run.stdout(), run.stderr());
    }

    @Test
    void withoutNoNewPrivsOrCapSysAdminTheKernelRefusesTheFilter() {
        // seccomp(2): without no_new_privs the caller needs CAP_SYS_ADMIN, or gets EACCES.
        Outcome run = launch(List.of(Steps.capset(0, 0, 0), seccomp(MKDIR_EPERM)), "echo never");
        assertNotNull(run.error(), "the SECCOMP step must fail");
        assertEquals(LauncherMessage.Kind.ERROR, run.error().kind());
        assertEquals(1, run.error().step());
        assertEquals(Errno.EACCES, run.error().errno());
        assertEquals("install seccomp filter", run.plan().describe(1));
        assertEquals(1, run.status().shellCode());
        assertEquals("", run.stdout());
    }

    @Test
    void theKernelRejectsAMalformedProgramAtItsStep() {
        // One "ld nr" and no return: bpf_check_classic refuses it with EINVAL.
        byte[] noReturn = {0x20, 0, 0, 0, 0, 0, 0, 0};
        Outcome run = launch(List.of(Steps.seccomp(noReturn, 0, "install seccomp filter")), "echo never");
        assertNotNull(run.error());
        assertEquals(0, run.error().step());
        assertEquals(Errno.EINVAL, run.error().errno());
        assertEquals(1, run.status().shellCode());
    }

    @Test
    void dockersDefaultProfileRunsAShellAndRefusesUnshare() {
        Seccomp docker = Profiles.fromResource("docker-default-amd64.json");
        Outcome run = launch(List.of(Steps.noNewPrivs(), seccomp(docker)),
                "echo ok; ls / > /dev/null && echo listed; unshare --user true; echo \"unshare exit $?\"");
        assertNull(run.error());
        assertEquals("ok\nlisted\nunshare exit 1\n", run.stdout(), run.stderr());
        assertTrue(run.stderr().contains("Operation not permitted"), run.stderr());
    }

    private static Step seccomp(Seccomp profile) {
        SeccompProgram program = SeccompCompiler.compile(profile);
        return Steps.seccomp(program.sockFilters(), program.flags(), "install seccomp filter");
    }

    /** Runs {@code steps} then EXEC of {@code sh -c script}, with stdout and stderr in files. */
    private Outcome launch(List<Step> steps, String script) {
        List<Step> all = new ArrayList<>(steps);
        all.add(Steps.exec(List.of("/bin/sh", "-c", script), ENV));
        LaunchPlan plan = new LaunchPlan(all);
        Path out = tmp.resolve("stdout");
        Path err = tmp.resolve("stderr");
        int flags = OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_TRUNC;
        try (Fd stdout = Fd.open(out, flags, 0644); Fd stderr = Fd.open(err, flags, 0644);
             SocketPair pair = SocketPair.create()) {
            int pid = Spawn.spawn(launcher(), List.of("berth-launcher", "3"), List.of(),
                    Map.of(1, stdout, 2, stderr, 3, pair.childEnd()));
            pair.childEnd().close();
            LauncherMessage message;
            try {
                pair.parentEnd().write(plan.encode());
                message = next(pair.parentEnd());
            } catch (RuntimeException | AssertionError e) {
                Processes.kill(pid, SIGKILL);
                Processes.waitpid(pid, false);
                throw e;
            }
            WaitStatus status = Processes.waitpid(pid, false);
            return new Outcome(status, Files.readString(out), Files.readString(err), message, plan);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The launcher's next message, or null at EOF (execve succeeded: the socket is close-on-exec). */
    private static LauncherMessage next(Fd socket) {
        byte[] buffer = new byte[LauncherMessage.SIZE];
        int filled = 0;
        while (filled < buffer.length) {
            if (!socket.pollIn(Duration.ofSeconds(20))) {
                fail("berth-launcher sent nothing for 20 s");
            }
            int n = socket.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                assertEquals(0, filled, "truncated launcher message");
                return null;
            }
            filled += n;
        }
        return LauncherMessage.decode(buffer);
    }

    private static Path launcher() {
        String configured = System.getProperty("berth.launcher");
        if (configured == null || !Files.isExecutable(Path.of(configured))) {
            fail("berth-launcher not found at -Dberth.launcher=" + configured + " (mvn -pl launcher compile)");
        }
        return Path.of(configured);
    }

    /** Filters the test JVM itself runs under (0 unless the whole test runs inside a container). */
    private static int ownFilters() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Seccomp_filters:")) {
                return Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        throw new AssertionError("no Seccomp_filters in /proc/self/status");
    }
}
