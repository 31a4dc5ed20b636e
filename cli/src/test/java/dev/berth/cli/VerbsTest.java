package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;

/** Which command lines are parsed with one verb's model only, and that the others get all of them. */
class VerbsTest {
    private static Verb alone(String... args) {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        CommandSpec top = new CliContext(sink, sink).spec();
        return Verbs.alone(top, args);
    }

    private static String nameOf(Verb verb) {
        return verb == null ? null : verb.spec().name();
    }

    @Test
    void everyNameBuildsTheVerbOfThatName() {
        for (String name : Verbs.NAMES) {
            assertEquals(name, nameOf(Verbs.create(name)));
        }
        assertNull(Verbs.create("checkpoint"));
        assertEquals(Verbs.NAMES, Verbs.all().stream().map(VerbsTest::nameOf).toList());
    }

    @Test
    void theVerbAfterGlobalFlagsAndTheirValues() {
        assertEquals("state", nameOf(alone("state", "x")));
        assertEquals("create", nameOf(alone("--root", "/r", "--log", "/l", "--log-format", "json", "create", "-b", "b", "x")));
        assertEquals("kill", nameOf(alone("--root=/r", "--log-format=json", "--debug", "--systemd-cgroup", "kill", "x")));
        assertEquals("list", nameOf(alone("--rootless", "auto", "--criu", "c", "list")));
    }

    @Test
    void theVerbsOfIssueThreeAreFoundAlone() {
        for (String verb : List.of("exec", "ps", "pause", "resume", "update", "events")) {
            assertEquals(verb, nameOf(alone("--root", "/r", verb, "x")));
        }
    }

    @Test
    void aValueNamedLikeAVerbOrAFlagIsAValue() {
        assertEquals("list", nameOf(alone("--root", "state", "list")));
        assertEquals("delete", nameOf(alone("--root", "--debug", "delete", "x")));
        assertEquals("state", nameOf(alone("--log", "run", "--root", "kill", "state", "x")));
    }

    @Test
    void helpVersionUnknownFlagsAndNoVerbNeedAllVerbs() {
        for (List<String> args : List.of(List.<String>of(), List.of("-h", "state"), List.of("--help", "state"),
                List.of("-v"), List.of("--version", "list"), List.of("-hv", "state"), List.of("--bogus", "state"),
                List.of("--", "state"), List.of("nosuchverb"), List.of("checkpoint", "x"), List.of("--root"),
                List.of("--root", "/r"), List.of("-", "state"))) {
            assertNull(alone(args.toArray(String[]::new)), args::toString);
        }
    }

    @Test
    void helpBeforeTheVerbStillListsEveryVerb() {
        Invocation run = Invocation.of("--help", "state");
        assertEquals(0, run.exitCode(), run::toString);
        for (String verb : Verbs.NAMES) {
            assertTrue(run.out().contains("\n  " + verb + " "), () -> verb + " missing from\n" + run.out());
        }
    }

    @Test
    void aUsageErrorAfterTheFastParseShowsTheWholeCommand() {
        // --log-format's bad value fails the parse of `list` alone; the error must still be the
        // one of the full command line: its usage lists every verb.
        Invocation run = Invocation.of("--log-format", "xml", "list");
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().startsWith("berth-runtime: Invalid value for option '--log-format'"), run::toString);
        for (String verb : Verbs.NAMES) {
            assertTrue(run.err().contains("\n  " + verb + " "), () -> verb + " missing from\n" + run.err());
        }
        assertEquals("", run.out());
    }
}
