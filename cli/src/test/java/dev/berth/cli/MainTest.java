package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line through Main.execute, with real files; no container is created. */
class MainTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void versionPrintsRuncStyleLines() {
        for (String flag : List.of("-v", "--version")) {
            Invocation run = Invocation.of(flag);
            assertEquals(0, run.exitCode(), run::toString);
            assertEquals("berth-runtime version 0.1.0\nspec: 1.2.0\n", run.out(), run::toString);
            assertEquals("", run.err());
        }
    }

    @Test
    void helpListsTheVerbsInRuncsOrder() {
        Invocation run = Invocation.of("--help");
        assertEquals(0, run.exitCode(), run::toString);
        List<String> verbs = List.of("create", "run", "start", "state", "kill", "delete", "list", "spec", "features",
                "exec", "ps", "pause", "resume", "update", "events");
        int previous = -1;
        for (String verb : verbs) {
            int at = run.out().indexOf("\n  " + verb + " ");
            assertTrue(at > previous, () -> verb + " missing or out of order in\n" + run.out());
            previous = at;
        }
        for (String verb : verbs) {
            assertTrue(run.out().contains("\n  " + verb + " "), () -> verb + " missing from\n" + run.out());
        }
        assertTrue(run.out().contains("--root=DIR"), run::toString);
    }

    @Test
    void verbHelpShowsTheVerbsFlags() {
        Invocation run = Invocation.of("kill", "--help");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("Usage: berth-runtime kill"), run::toString);
        assertTrue(run.out().contains("--all"), run::toString);
    }

    @Test
    void unknownVerbsFailWithUsage() {
        // checkpoint and restore are not there yet.
        for (String verb : List.of("checkpoint", "restore", "nosuchverb")) {
            Invocation run = Invocation.of(verb, "abc");
            assertEquals(1, run.exitCode(), run::toString);
            assertTrue(run.err().startsWith("berth-runtime: Unmatched arguments from index 0: '" + verb + "'"),
                    run::toString);
            assertTrue(run.err().contains("Usage: berth-runtime [-hv]"), run::toString);
            assertEquals("", run.out());
        }
    }

    @Test
    void missingContainerIdIsAUsageError() {
        Invocation run = Invocation.of("state");
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().contains("Missing required parameter: '<container-id>'"), run::toString);
        assertTrue(run.err().contains("Usage: berth-runtime state"), run::toString);
    }

    @Test
    void specWritesAValidConfigAndRefusesToOverwriteIt() throws IOException {
        Invocation run = Invocation.of("spec", "--bundle", tmp.toString());
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.out());
        Path config = tmp.resolve("config.json");
        String written = Files.readString(config);
        SpecFiles.assertValid(config);
        JsonNode tree = JSON.readTree(written);
        assertEquals("1.2.0", tree.path("ociVersion").asText());
        assertEquals("rootfs", tree.path("root").path("path").asText());

        Invocation again = Invocation.of("spec", "-b", tmp.toString());
        assertEquals(1, again.exitCode(), again::toString);
        assertEquals("berth-runtime: File config.json exists. Remove it first.\n", again.err());
        assertEquals(written, Files.readString(config), "the existing config.json was changed");
    }

    @Test
    void rootlessSpecMapsUsersInAUserNamespace() throws IOException {
        Invocation run = Invocation.of("spec", "--rootless", "--bundle", tmp.toString());
        assertEquals(0, run.exitCode(), run::toString);
        Path config = tmp.resolve("config.json");
        SpecFiles.assertValid(config);
        JsonNode linux = JSON.readTree(config.toFile()).path("linux");
        List<String> namespaces = new ArrayList<>();
        linux.path("namespaces").forEach(ns -> namespaces.add(ns.path("type").asText()));
        assertTrue(namespaces.contains("user"), () -> "namespaces " + namespaces);
        assertTrue(linux.path("uidMappings").size() > 0, "no uidMappings");
    }

    @Test
    void specIntoAMissingDirectoryNamesIt() {
        Path missing = tmp.resolve("no/such/bundle");
        Invocation run = Invocation.of("spec", "--bundle", missing.toString());
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals("berth-runtime: bundle directory " + missing + " does not exist\n", run.err());
    }

    @Test
    void featuresIsJsonListingMountOptions() throws IOException {
        Invocation run = Invocation.of("features");
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode features = JSON.readTree(run.out());
        assertEquals("1.2.0", features.path("ociVersionMax").asText(), run::toString);
        List<String> options = new ArrayList<>();
        features.path("mountOptions").forEach(option -> options.add(option.asText()));
        assertTrue(options.containsAll(List.of("ro", "rw", "nosuid", "nodev", "noexec", "bind", "rbind")),
                () -> "mountOptions " + options);
        assertTrue(run.out().endsWith("\n"));
    }

    @Test
    void stateOfAMissingContainerFailsAndLogsJson() throws IOException {
        Path log = tmp.resolve("log.json");
        Instant before = Instant.now().minusSeconds(1);
        // Global flags after the verb, as the brief's example has them, and before it, as containerd does.
        Invocation run = Invocation.of("--log", log.toString(), "--log-format", "json",
                "state", "nosuch", "--root", tmp.resolve("root").toString());
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().startsWith("berth-runtime: container does not exist"), run::toString);
        assertEquals(1, run.err().lines().count(), run::toString);

        List<String> lines = Files.readAllLines(log);
        assertEquals(1, lines.size(), () -> "log lines " + lines);
        JsonNode line = JSON.readTree(lines.getFirst());
        assertEquals("error", line.path("level").asText());
        assertTrue(line.path("msg").asText().startsWith("container does not exist"), lines::toString);
        Instant time = Instant.parse(line.path("time").asText());
        assertFalse(time.isBefore(before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)), lines::toString);
        assertEquals(List.of("level", "msg", "time"), fieldNames(line));
    }

    @Test
    void textLogIsLogrusStyleAndAppends() throws IOException {
        Path log = tmp.resolve("log.txt");
        Files.writeString(log, "earlier line\n");
        Invocation run = Invocation.of("--root", tmp.toString(), "--log", log.toString(), "state", "nosuch");
        assertEquals(1, run.exitCode(), run::toString);
        List<String> lines = Files.readAllLines(log);
        assertEquals(2, lines.size(), lines::toString);
        assertEquals("earlier line", lines.get(0));
        assertTrue(lines.get(1).matches(
                "time=\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\" level=error msg=\"container does not exist.*\""),
                lines::toString);
    }

    @Test
    void debugLinesGoToTheLogFile() throws IOException {
        Path log = tmp.resolve("debug.json");
        Invocation run = Invocation.of("--debug", "--log", log.toString(), "--log-format", "json",
                "--root", tmp.toString(), "kill", "someid", "NOSUCHSIGNAL");
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals("berth-runtime: unknown signal: NOSUCHSIGNAL\n", run.err());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            lines.add(JSON.readTree(line));
        }
        assertTrue(lines.stream().anyMatch(l -> l.path("level").asText().equals("debug")
                && l.path("msg").asText().contains("kill someid NOSUCHSIGNAL")), lines::toString);
        assertTrue(lines.stream().anyMatch(l -> l.path("level").asText().equals("error")
                && l.path("msg").asText().equals("unknown signal: NOSUCHSIGNAL")), lines::toString);
    }

    @Test
    void withoutDebugNoDebugLines() throws IOException {
        Path log = tmp.resolve("quiet.json");
        Invocation run = Invocation.of("--log", log.toString(), "--log-format", "json", "kill", "x", "NOPE");
        assertEquals(1, run.exitCode(), run::toString);
        List<String> lines = Files.readAllLines(log);
        assertEquals(1, lines.size(), lines::toString);
        assertEquals("error", JSON.readTree(lines.getFirst()).path("level").asText());
    }

    @Test
    void listJsonOnAnEmptyRootIsNull() throws IOException {
        Path root = Files.createDirectory(tmp.resolve("root"));
        Invocation run = Invocation.of("--root", root.toString(), "list", "--format", "json");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("null\n", run.out());
        assertEquals("", run.err());
    }

    @Test
    void listTableOnAnEmptyRootIsTheHeader() throws IOException {
        Path root = Files.createDirectory(tmp.resolve("root"));
        Invocation run = Invocation.of("--root", root.toString(), "list");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("ID          PID         STATUS      BUNDLE      CREATED     OWNER\n", run.out());
        Invocation quiet = Invocation.of("--root", root.toString(), "list", "-q");
        assertEquals("", quiet.out(), quiet::toString);
    }

    @Test
    void deleteForceOfAMissingContainerSucceedsAsInRunc() {
        Invocation forced = Invocation.of("--root", tmp.toString(), "delete", "--force", "nosuch");
        assertEquals(0, forced.exitCode(), forced::toString);
        Invocation plain = Invocation.of("--root", tmp.toString(), "delete", "nosuch");
        assertEquals(1, plain.exitCode(), plain::toString);
        assertTrue(plain.err().startsWith("berth-runtime: container does not exist"), plain::toString);
    }

    @Test
    void systemdCgroupIsRefused() {
        Invocation run = Invocation.of("--systemd-cgroup", "--root", tmp.toString(), "state", "x");
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals("berth-runtime: systemd cgroup driver is not supported\n", run.err());
    }

    @Test
    void acceptedCompatibilityFlagsParse() {
        Invocation run = Invocation.of("--rootless", "auto", "--criu", "/usr/sbin/criu", "--root",
                tmp.toString(), "kill", "x", "BAD");
        // Parsing got as far as the signal, i.e. all the global flags were accepted.
        assertEquals("berth-runtime: unknown signal: BAD\n", run.err());
    }

    @Test
    void badFlagValuesAreUsageErrors() {
        Invocation format = Invocation.of("--log-format", "xml", "list");
        assertEquals(1, format.exitCode(), format::toString);
        assertTrue(format.err().contains("--log-format"), format::toString);
        Invocation rootless = Invocation.of("--rootless", "maybe", "list");
        assertEquals(1, rootless.exitCode(), rootless::toString);
        Invocation fds = Invocation.of("--root", tmp.toString(), "create", "--preserve-fds", "-1", "x");
        assertEquals(1, fds.exitCode(), fds::toString);
        assertEquals("berth-runtime: --preserve-fds must not be negative: -1\n", fds.err());
    }

    @Test
    void runKeepIsRefusedRatherThanIgnored() {
        Invocation run = Invocation.of("--root", tmp.toString(), "run", "--keep", "-b", tmp.toString(), "x");
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals("berth-runtime: run --keep is not supported yet\n", run.err());
    }

    @Test
    void debugLinesWithoutLogFileGoToStderrNotStdout() throws IOException {
        Path root = Files.createDirectory(tmp.resolve("root"));
        Invocation run = Invocation.of("--debug", "--root", root.toString(), "list", "--format", "json");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("null\n", run.out());
        assertTrue(run.err().matches("(?s)time=\"[^\"]+\" level=debug msg=\"berth-runtime --debug .*"), run::toString);
    }

    @Test
    void optionValuesMayBeNamedLikeVerbs() {
        // runc (Go's flag package) takes the argument after --root as its value, whatever it is;
        // picocli used to fail "Expected parameter for option '--root' but found 'state'".
        Path cwd = Path.of("").toAbsolutePath();
        Invocation run = Invocation.of("--root", "state", "list", "--format", "json");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("null\n", run.out(), "./state does not exist, so it holds no containers");
        assertFalse(Files.exists(cwd.resolve("state")), "list created its root");
        Invocation afterVerb = Invocation.of("list", "--root", "kill", "-q");
        assertEquals(0, afterVerb.exitCode(), afterVerb::toString);
    }

    @Test
    void optionValuesMayBeNamedLikeOptions() {
        // `--criu --debug` gives --criu the value "--debug", as runc does; --debug itself is not
        // set, so no debug line appears.
        Invocation run = Invocation.of("--criu", "--debug", "--root", tmp.toString(), "list", "-q");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.err(), run::toString);
        Invocation flagged = Invocation.of("--criu", "x", "--debug", "--root", tmp.toString(), "list", "-q");
        assertTrue(flagged.err().contains("level=debug"), flagged::toString);
    }

    @Test
    void argumentsAreLiteralNotAtFiles() throws IOException {
        Files.writeString(tmp.resolve("args"), "KILL\n");
        Invocation run = Invocation.of("--root", tmp.toString(), "kill", "x", "@" + tmp.resolve("args"));
        assertEquals("berth-runtime: unknown signal: @" + tmp.resolve("args") + "\n", run.err());
    }

    @Test
    void createAcceptsEveryFlagGoRuncSends() throws IOException {
        // containerd's go-runc: create --bundle B --pid-file ABS --console-socket S --no-pivot
        // --no-new-keyring --detach --preserve-fds N ID. The bundle has no config.json, so the
        // runtime fails after parsing, before anything is created.
        Path bundle = Files.createDirectory(tmp.resolve("bundle"));
        Path root = tmp.resolve("root");
        Invocation run = Invocation.of("--root", root.toString(), "--log", tmp.resolve("log").toString(),
                "--log-format=json", "create", "--bundle", bundle.toString(), "--pid-file", tmp.resolve("pid").toString(),
                "--console-socket", tmp.resolve("console.sock").toString(), "--no-pivot", "--no-new-keyring",
                "--detach", "--preserve-fds", "2", "c1");
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().startsWith("berth-runtime: ") && run.err().contains("config.json"), run::toString);
        assertFalse(run.err().contains("Usage:"), run::toString);
        assertFalse(Files.exists(tmp.resolve("pid")), "a pid file was written");
        Invocation list = Invocation.of("--root", root.toString(), "list", "-q");
        assertEquals("", list.out(), "a failed create left a container behind: " + list);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
