package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.runtime.RuntimeFailure;
import dev.berth.spec.Process;
import dev.berth.spec.SpecException;
import dev.berth.spec.SpecReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How exec's flags turn the container's process into the one to exec (runc's getProcess). */
class ExecOverridesTest {
    /** A container process as config.json gives it, with every field exec may keep or change. */
    private static Process template() throws SpecException {
        return SpecReader.parseProcess("""
                {
                  "terminal": true,
                  "consoleSize": {"height": 24, "width": 80},
                  "user": {"uid": 5, "gid": 6, "umask": 18, "additionalGids": [7]},
                  "args": ["sleep", "1000"],
                  "env": ["PATH=/bin", "HOME=/root", "FLAG"],
                  "cwd": "/",
                  "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]},
                  "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
                  "noNewPrivileges": false,
                  "oomScoreAdj": 100
                }
                """, "process.json");
    }

    private static ExecOverrides args(String... args) {
        return new ExecOverrides(List.of(args), List.of(), null, null, List.of(), List.of(), false, false, null, null);
    }

    @Test
    void argsReplaceTheContainersAndTheRestIsKept() throws SpecException {
        Process template = template();
        Process p = args("ls", "-l").applyTo(template);
        assertEquals(List.of("ls", "-l"), p.args());
        assertEquals(template.env(), p.env());
        assertEquals("/", p.cwd());
        assertEquals(template.user(), p.user());
        assertSame(template.capabilities(), p.capabilities());
        assertEquals(template.rlimits(), p.rlimits());
        assertEquals(100, p.oomScoreAdj());
        assertFalse(p.noNewPrivilegesOrDefault());
        // runc: "Always set tty to false, unless explicitly enabled from CLI."
        assertFalse(p.terminalOrDefault(), "the container's terminal is not inherited");
    }

    @Test
    void noArgsIsRunsError() {
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> args().applyTo(template()));
        assertEquals("exec args cannot be empty", e.getMessage());
    }

    @Test
    void envReplacesEntriesOfTheSameNameAndAppendsNewOnes() throws SpecException {
        ExecOverrides o = new ExecOverrides(List.of("env"), List.of("HOME=/tmp", "NEW=1", "FLAG=set", "PATH=/x"),
                null, null, List.of(), List.of(), false, false, null, null);
        assertEquals(List.of("PATH=/x", "HOME=/tmp", "FLAG=set", "NEW=1"), o.applyTo(template()).env());
    }

    @Test
    void cwdUserAndGroupsAreOverridden() throws SpecException {
        ExecOverrides o = new ExecOverrides(List.of("id"), List.of(), "/tmp", "1000:2000", List.of(3000L, 3001L),
                List.of(), true, true, null, null);
        Process p = o.applyTo(template());
        assertEquals("/tmp", p.cwd());
        assertEquals(1000L, p.user().uid());
        assertEquals(2000L, p.user().gid());
        assertEquals(18L, p.user().umask(), "the umask is the container's");
        assertEquals(List.of(7L, 3000L, 3001L), p.user().additionalGids());
        assertTrue(p.terminalOrDefault());
        assertTrue(p.noNewPrivilegesOrDefault());
    }

    @Test
    void aUserWithoutGidKeepsTheContainersGid() throws SpecException {
        Process p = new ExecOverrides(List.of("id"), List.of(), null, "1000", List.of(), List.of(), false, false, null, null)
                .applyTo(template());
        assertEquals(1000L, p.user().uid());
        assertEquals(6L, p.user().gid());
    }

    @Test
    void badUsersAndGroupsAreRefusedWithTheirName() {
        for (String user : List.of("root", "1000:staff", "-1", "4294967296", ":5")) {
            ExecOverrides o = new ExecOverrides(List.of("id"), List.of(), null, user, List.of(), List.of(),
                    false, false, null, null);
            RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> o.applyTo(template()), user);
            assertTrue(e.getMessage().startsWith("parsing ") && e.getMessage().contains(" as int for "), e.getMessage());
        }
        ExecOverrides negative = new ExecOverrides(List.of("id"), List.of(), null, null, List.of(-1L), List.of(),
                false, false, null, null);
        assertEquals("additional-gids must be a positive number -1",
                assertThrows(RuntimeFailure.class, () -> negative.applyTo(template())).getMessage());
    }

    @Test
    void capsGoToBoundingEffectiveAndPermittedOnly() throws SpecException {
        ExecOverrides o = new ExecOverrides(List.of("id"), List.of(), null, null, List.of(),
                List.of("CAP_NET_ADMIN", "CAP_KILL"), false, false, null, null);
        Process.Capabilities caps = o.applyTo(template()).capabilities();
        for (List<String> set : List.of(caps.bounding(), caps.effective(), caps.permitted())) {
            assertEquals(List.of("CAP_KILL", "CAP_NET_ADMIN"), set, "added once, after the container's");
        }
        // No inheritable set in the container, so none is made and no ambient capability either:
        // ambient capabilities must also be inheritable (capabilities(7)).
        assertNull(caps.inheritable());
        assertNull(caps.ambient());
    }

    @Test
    void capsGoToAmbientWhenTheContainerHasInheritableCaps() throws SpecException {
        Process base = template();
        Process withInheritable = new Process(base.terminal(), base.consoleSize(), base.user(), base.args(),
                base.commandLine(), base.env(), base.cwd(),
                new Process.Capabilities(List.of("CAP_KILL"), List.of(), List.of("CAP_KILL"), List.of(), null),
                base.rlimits(), base.noNewPrivileges(), null, null, null, null, null);
        Process.Capabilities caps = new ExecOverrides(List.of("id"), List.of(), null, null, List.of(),
                List.of("CAP_CHOWN"), false, false, null, null).applyTo(withInheritable).capabilities();
        assertEquals(List.of("CAP_KILL"), caps.inheritable());
        assertEquals(List.of("CAP_CHOWN"), caps.ambient());
    }

    @Test
    void apparmorAndLabelAreSetForTheRuntimeToJudge() throws SpecException {
        Process p = new ExecOverrides(List.of("id"), List.of(), null, null, List.of(), List.of(), false, false,
                "profile", "label").applyTo(template());
        assertEquals("profile", p.apparmorProfile());
        assertEquals("label", p.selinuxLabel());
    }
}
