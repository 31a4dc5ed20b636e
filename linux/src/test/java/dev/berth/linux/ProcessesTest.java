package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessesTest {
    private static final Path SLEEP = Path.of("/bin/sleep");
    private final Children children = new Children();

    @AfterEach
    void reapLeftovers() {
        children.close();
    }

    private int sleeper() {
        return children.spawn(SLEEP, List.of("sleep", "60"), Children.ENV, Map.of());
    }

    @Test
    void killOfAReapedChildFailsWithEsrch() {
        int pid = children.spawn(Path.of("/bin/true"), List.of("true"), Children.ENV, Map.of());
        assertEquals(0, children.waitFor(pid).shellCode());
        assertFalse(Processes.isAlive(pid));
        SyscallException e = assertThrows(SyscallException.class, () -> Processes.kill(pid, Signals.SIGTERM));
        assertEquals("kill: ESRCH (No such process)", e.getMessage());
        assertEquals(Errno.ESRCH, e.errno());
    }

    @Test
    void isAliveIsTrueForARunningChildAndForInit() {
        int pid = sleeper();
        assertTrue(Processes.isAlive(pid));
        assertTrue(Processes.isAlive(1));
        assertThrows(IllegalArgumentException.class, () -> Processes.isAlive(0));
    }

    @Test
    void waitpidWithNoHangReturnsNullWhileTheChildRuns() {
        int pid = sleeper();
        assertNull(Processes.waitpid(pid, true));
        Processes.kill(pid, Signals.SIGKILL);
        WaitStatus status = children.waitFor(pid);
        assertEquals(new WaitStatus(pid, false, 0, true, Signals.SIGKILL), status);
        assertEquals(137, status.shellCode());
    }

    @Test
    void waitpidOfAProcessThatIsNoChildFailsWithEchild() {
        SyscallException e = assertThrows(SyscallException.class, () -> Processes.waitpid(1, true));
        assertEquals("waitpid: ECHILD (No child processes)", e.getMessage());
    }

    @Test
    void pidfdFollowsAChildUntilItIsKilledThroughIt() throws IOException {
        int pid = sleeper();
        try (Fd pidfd = Processes.pidfdOpen(pid)) {
            assertEquals("anon_inode:[pidfd]",
                    Files.readSymbolicLink(Path.of("/proc/self/fd/" + pidfd.number())).toString());
            assertTrue(FdTest.isCloseOnExec(pidfd));
            assertFalse(pidfd.pollIn(Duration.ofMillis(50)), "a running process' pidfd is not readable");

            Processes.pidfdSendSignal(pidfd, Signals.SIGKILL);
            assertTrue(pidfd.pollIn(Duration.ofSeconds(10)), "the pidfd becomes readable at exit");
            assertEquals(Signals.SIGKILL, children.waitFor(pid).signal());

            // Once reaped, the pidfd still refers to that (now gone) process, never a reused pid.
            SyscallException e = assertThrows(SyscallException.class,
                    () -> Processes.pidfdSendSignal(pidfd, Signals.SIGKILL));
            assertEquals("pidfd_send_signal: ESRCH (No such process)", e.getMessage());
        }
    }

    @Test
    void pidfdOpenOfAReapedChildFailsWithEsrch() {
        int pid = children.spawn(Path.of("/bin/true"), List.of("true"), Children.ENV, Map.of());
        children.waitFor(pid);
        SyscallException e = assertThrows(SyscallException.class, () -> Processes.pidfdOpen(pid));
        assertEquals("pidfd_open: ESRCH (No such process)", e.getMessage());
    }

    @Test
    void getpidAndGeteuidMatchWhatTheKernelReports() throws IOException {
        assertEquals(ProcessHandle.current().pid(), Processes.getpid());
        // "Uid:\treal\teffective\tsaved\tfs"
        String uidLine = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        assertEquals(Integer.parseInt(uidLine.split("\\s+")[2]), Processes.geteuid());
    }

    /**
     * Sets the subreaper flag on the test JVM itself (it cannot be undone by a plain call; the
     * flag ends with the surefire fork). An orphaned grandchild must then become our child.
     */
    @Test
    void subreaperAdoptsOrphanedGrandchildren() throws IOException {
        Processes.setChildSubreaper();
        String grandchild = children.output("sleep 60 3>&- & echo $! >&3").strip();
        int orphan = Integer.parseInt(grandchild);
        try {
            String stat = Files.readString(Path.of("/proc/" + orphan + "/stat"));
            // Field 4 is the ppid; field 2, the command, is in parentheses and may contain spaces.
            String ppid = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1];
            assertEquals(Processes.getpid(), Integer.parseInt(ppid));
        } finally {
            Processes.kill(orphan, Signals.SIGKILL);
            // Succeeds only because the orphan is now our child; else waitpid fails with ECHILD.
            assertEquals(Signals.SIGKILL, Processes.waitpid(orphan, false).signal());
        }
    }
}
