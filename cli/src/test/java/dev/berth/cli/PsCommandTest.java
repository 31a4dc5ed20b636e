package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.runtime.RuntimeFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ps' output handling, and the host's ps run the way `ps` runs it (a real process, no container). */
class PsCommandTest {
    private static final String PS_EF = """
            UID          PID    PPID  C STIME TTY          TIME CMD
            root           1       0  0 10:55 ?        00:00:18 /sbin/init splash
            root        4851    4840  0 12:44 ?        00:00:00 sleep 1000
            root       48510       1  0 12:44 ?        00:00:00 sh -c echo 4851
            """;

    @Test
    void jsonIsAnArrayLikeGosEncoder() {
        assertEquals("[]\n", PsCommand.json(List.of()));
        assertEquals("[1234,5678]\n", PsCommand.json(List.of(1234, 5678)));
    }

    @Test
    void tableKeepsTheHeaderAndTheContainersLines() {
        assertEquals("""
                UID          PID    PPID  C STIME TTY          TIME CMD
                root        4851    4840  0 12:44 ?        00:00:00 sleep 1000
                """, PsCommand.table(PS_EF, List.of(4851, 99)));
        assertEquals(PS_EF.lines().findFirst().orElseThrow() + "\n", PsCommand.table(PS_EF, List.of()));
    }

    @Test
    void tableNeedsAPidColumn() {
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> PsCommand.table("USER COMMAND\nroot init\n", List.of(1)));
        assertEquals("couldn't find PID field in ps output", e.getMessage());
        RuntimeFailure bad = assertThrows(RuntimeFailure.class, () -> PsCommand.table("PID CMD\nx init\n", List.of(1)));
        assertTrue(bad.getMessage().startsWith("unable to parse pid: \"x\""), bad.getMessage());
    }

    @Test
    void theHostsPsRunsWithTheGivenArgs() {
        long self = ProcessHandle.current().pid();
        String output = PsCommand.runPs(List.of("-o", "pid,comm", "-p", Long.toString(self)));
        List<String> lines = output.lines().toList();
        assertEquals(2, lines.size(), output);
        assertEquals(List.of("PID", "COMMAND"), List.of(lines.get(0).trim().split("\\s+")));
        assertEquals(Long.toString(self), lines.get(1).trim().split("\\s+")[0], output);
        assertEquals(lines.get(0) + "\n" + lines.get(1) + "\n", PsCommand.table(output, List.of((int) self)));
    }

    @Test
    void aFailingPsReportsItsStatusAndOutput() {
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> PsCommand.runPs(List.of("--no-such-option")));
        assertTrue(e.getMessage().contains("exit status "), e.getMessage());
        assertTrue(e.getMessage().contains("--no-such-option"), e.getMessage());
    }

    @Test
    void lookPathSearchesPath() {
        java.nio.file.Path ps = PsCommand.lookPath("ps");
        assertEquals("ps", ps.getFileName().toString());
        assertTrue(java.nio.file.Files.isExecutable(ps), ps::toString);
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> PsCommand.lookPath("no-such-program-berth"));
        assertEquals("exec: \"no-such-program-berth\": executable file not found in $PATH", e.getMessage());
    }
}
