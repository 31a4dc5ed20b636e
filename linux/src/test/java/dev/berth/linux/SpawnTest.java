package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpawnTest {
    private final Children children = new Children();

    @AfterEach
    void reapLeftovers() {
        children.close();
    }

    @Test
    void childWritesIntoAMappedSocketAndItsExitCodeIsSeenByWaitpid() {
        try (SocketPair pair = SocketPair.create()) {
            int pid = children.sh("echo hello from $0 >&3; exit 7", Map.of(3, pair.childEnd()));
            pair.childEnd().close(); // else our own copy keeps the socket from reaching EOF
            assertEquals("hello from sh\n", Children.readToEnd(pair.parentEnd()));
            WaitStatus status = children.waitFor(pid);
            assertEquals(new WaitStatus(pid, true, 7, false, 0), status);
            assertEquals(7, status.shellCode());
        }
    }

    @Test
    void childKilledBySigtermIsReportedAsSignaled143() {
        int pid = children.spawn(Path.of("/bin/sleep"), List.of("sleep", "60"), Children.ENV, Map.of());
        assertNull(Processes.waitpid(pid, true), "sleep is still running");
        assertTrue(Processes.isAlive(pid));
        Processes.kill(pid, Signals.SIGTERM);
        WaitStatus status = children.waitFor(pid);
        assertTrue(status.signaled());
        assertFalse(status.exited());
        assertEquals(Signals.SIGTERM, status.signal());
        assertEquals(143, status.shellCode());
        assertEquals("pid " + pid + " killed by SIGTERM", status.toString());
    }

    @Test
    void argvAndEnvironmentReachTheChildVerbatim() {
        try (SocketPair pair = SocketPair.create()) {
            int pid = children.spawn(Children.SH, List.of("sh", "-c", "printf '%s|' \"$0\" \"$FOO\" \"$1\" \"$2\" >&3",
                    "zero", "a b", "ü"), List.of("FOO=bar baz"), Map.of(3, pair.childEnd()));
            pair.childEnd().close();
            assertEquals("zero|bar baz|a b|ü|", Children.readToEnd(pair.parentEnd()));
            assertEquals(0, children.waitFor(pid).shellCode());
        }
    }

    @Test
    void environmentIsExactlyTheGivenListAndStdoutCanBeMapped() {
        try (SocketPair pair = SocketPair.create()) {
            int pid = children.spawn(Path.of("/usr/bin/env"), List.of("env"), List.of("A=1", "B=two words"),
                    Map.of(1, pair.childEnd()));
            pair.childEnd().close();
            assertEquals("A=1\nB=two words\n", Children.readToEnd(pair.parentEnd()));
            assertEquals(0, children.waitFor(pid).shellCode());
        }
    }

    @Test
    void noFdOfTheJvmLeaksIntoTheChild() {
        // ls itself holds 0, 1 (our socket, redirected from 3), 2, 3 and the directory it lists.
        String fds = children.output("exec ls -1 /proc/self/fd >&3");
        assertEquals("0\n1\n2\n3\n4\n", fds);
    }

    @Test
    void crossedMappingsDoNotClobberEachOther() {
        // Child fd 3 gets the pair whose child end has the higher number and vice versa; with a
        // naive dup2 sequence one of the two would be overwritten before it is copied.
        try (SocketPair a = SocketPair.create(); SocketPair b = SocketPair.create()) {
            int pid = children.sh("echo A >&3; echo B >&4; echo C >&5",
                    Map.of(3, b.childEnd(), 4, a.childEnd(), 5, b.childEnd()));
            a.childEnd().close();
            b.childEnd().close();
            assertEquals("A\nC\n", Children.readToEnd(b.parentEnd()));
            assertEquals("B\n", Children.readToEnd(a.parentEnd()));
            assertEquals(0, children.waitFor(pid).shellCode());
        }
    }

    @Test
    void mappedFdsAboveAGapLeaveTheGapClosed() {
        try (SocketPair pair = SocketPair.create()) {
            int pid = children.sh("exec ls -1 /proc/self/fd >&7", Map.of(7, pair.childEnd()));
            pair.childEnd().close();
            // ls holds 0, 1 (= 7), 2, 7 and, at the lowest free number, the directory it lists:
            // 3, so 3..6 were closed although the JVM has fds there.
            assertEquals("0\n1\n2\n3\n7\n", Children.readToEnd(pair.parentEnd()));
            assertEquals(0, children.waitFor(pid).shellCode());
        }
    }

    @Test
    void childStartsWithNoSignalBlockedOrIgnored() {
        // Java threads block SIGQUIT (HotSpot leaves it to its signal dispatcher), and a blocked
        // mask would survive execve(2) if posix_spawn did not reset it.
        String status = children.output("exec grep -E '^Sig(Blk|Ign):' /proc/self/status >&3");
        assertEquals("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n", status);
    }

    @Test
    void missingExecutableIsReportedByPosixSpawnWithItsPath() {
        SyscallException e = assertThrows(SyscallException.class,
                () -> children.spawn(Path.of("/nonexistent/binary"), List.of("binary"), List.of(), Map.of()));
        assertEquals("posix_spawn `/nonexistent/binary`: ENOENT (No such file or directory)", e.getMessage());
    }

    @Test
    void nonExecutableFileIsReportedWithEacces(@TempDir Path dir) throws IOException {
        Path script = Files.writeString(dir.resolve("script"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        SyscallException e = assertThrows(SyscallException.class,
                () -> children.spawn(script, List.of("script"), List.of(), Map.of()));
        assertEquals("posix_spawn `" + script + "`: EACCES (Permission denied)", e.getMessage());
    }

    @Test
    void argumentsAreValidated() {
        assertThrows(IllegalArgumentException.class,
                () -> Spawn.spawn(Children.SH, List.of(), List.of(), Map.of()));
        Fd closed;
        try (SocketPair pair = SocketPair.create()) {
            closed = pair.childEnd();
        }
        Fd closedFd = closed;
        assertThrows(IllegalArgumentException.class,
                () -> Spawn.spawn(Children.SH, List.of("sh"), List.of(), Map.of(3, closedFd)));
        try (SocketPair pair = SocketPair.create()) {
            assertThrows(IllegalArgumentException.class,
                    () -> Spawn.spawn(Children.SH, List.of("sh"), List.of(), Map.of(-1, pair.childEnd())));
        }
    }

    @Test
    void temporaryDuplicatesAreClosedInTheParent() throws IOException {
        try (SocketPair pair = SocketPair.create()) {
            int pid = children.sh("exit 0", Map.of(3, pair.childEnd(), 9, pair.childEnd()));
            assertEquals(0, children.waitFor(pid).shellCode());
            assertTrue(pair.childEnd().isOpen(), "the caller's fd stays open");
            // Only the caller's own fd still refers to that socket: the parked copies are gone.
            Path own = Files.readSymbolicLink(Path.of("/proc/self/fd/" + pair.childEnd().number()));
            assertEquals(1, fdsReferringTo(own));
            assertFalse(pair.parentEnd().pollIn(Duration.ZERO));
        }
    }

    private static long fdsReferringTo(Path target) throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(target);
                } catch (IOException e) {
                    return false; // the fd Files.list reads the directory through, already gone
                }
            }).count();
        }
    }
}
