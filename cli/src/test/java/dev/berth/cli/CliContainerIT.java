package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifecycle verbs on real containers through bin/berth-runtime: one process per verb, stdio
 * inherited by the container, runc's exit codes and JSON.
 */
class CliContainerIT extends ContainerCliBase {
    @Test
    void runInheritsStdioAndReturnsTheExitCode() {
        bundle.shell("echo out-$((6*7)); echo err-text >&2; exit 3").write();
        Result result = berth("run", "--bundle", bundle.dir.toString(), id);
        assertEquals(3, result.exitCode(), result.err());
        assertEquals("out-42\n", result.out());
        assertEquals("err-text\n", result.err());
    }

    @Test
    void lifecycleVerbsOneProcessEach() throws Exception {
        bundle.shell("sleep 1000").write();
        Path pidFile = tmp.resolve("pid");
        Result create = berth("create", "--bundle", bundle.dir.toString(), "--pid-file", pidFile.toString(), id);
        assertEquals(0, create.exitCode(), create.err());
        JsonNode state = new ObjectMapper().readTree(berth("state", id).out());
        assertEquals("created", state.get("status").asText());
        assertEquals(id, state.get("id").asText());
        assertEquals(Files.readString(pidFile), state.get("pid").asText());
        assertEquals(bundle.dir.toString(), state.get("bundle").asText());
        assertTrue(state.get("created").asText().endsWith("Z"));

        assertEquals(0, berth("start", id).exitCode());
        assertEquals("running", new ObjectMapper().readTree(berth("state", id).out()).get("status").asText());
        String list = berth("list").out();
        assertTrue(list.startsWith("ID") && list.contains(id) && list.contains("running"), list);

        Result deleteRunning = berth("delete", id);
        assertEquals(1, deleteRunning.exitCode());
        assertTrue(deleteRunning.err().contains("not stopped"), deleteRunning.err());

        assertEquals(0, berth("kill", id, "KILL").exitCode());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!new ObjectMapper().readTree(berth("state", id).out()).get("status").asText().equals("stopped")) {
            assertTrue(System.nanoTime() < deadline, "never stopped");
        }
        assertEquals(0, berth("delete", id).exitCode());
        Result gone = berth("state", id);
        assertEquals(1, gone.exitCode());
        assertTrue(gone.err().contains("container does not exist"), gone.err());
    }

    @Test
    void rootNamedLikeAVerbIsTheRoot() throws Exception {
        // The brief's command line, `berth-runtime --root state list`: runc takes "state" as the
        // root directory (relative to the caller's), so the container created under it is listed.
        bundle.shell("sleep 1000").write();
        assertEquals(0, berth("create", "--bundle", bundle.dir.toString(), id).exitCode());
        assertEquals(root, tmp.resolve("state"), "the test's root is ./state seen from tmp");
        Result list = execIn(tmp, List.of(BERTH_RUNTIME.toString(), "--root", "state", "list", "-q"));
        assertEquals(0, list.exitCode(), list.err());
        assertEquals(id + "\n", list.out());
        Result state = execIn(tmp, List.of(BERTH_RUNTIME.toString(), "--root", "state", "state", id));
        assertEquals(0, state.exitCode(), state.err());
        assertEquals("created", new ObjectMapper().readTree(state.out()).get("status").asText());
        assertEquals(0, berth("delete", "--force", id).exitCode());
    }

    @Test
    void signalsToRunReachTheContainer() throws Exception {
        bundle.shell("trap 'echo got-term; exit 7' TERM; echo ready; sleep 1000 & wait").write();
        Process run = new ProcessBuilder(BERTH_RUNTIME.toString(), "--root", root.toString(), "run", "--bundle",
                bundle.dir.toString(), id).start();
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(run.getInputStream()));
        assertEquals("ready", reader.readLine());
        run.toHandle().destroy(); // SIGTERM to berth-runtime, forwarded to the container
        assertTrue(run.waitFor(20, TimeUnit.SECONDS));
        assertEquals("got-term", reader.readLine());
        assertEquals(7, run.exitValue());
    }

    @Test
    void preservedFdsReachTheContainer() throws Exception {
        Path file = tmp.resolve("fd3");
        bundle.shell("echo through-fd-3 >&3").write();
        Result result = exec(List.of("sh", "-c", "exec \"$0\" --root \"$1\" run --preserve-fds 1 --bundle \"$2\" \"$3\" 3>\"$4\"",
                BERTH_RUNTIME.toString(), root.toString(), bundle.dir.toString(), id, file.toString()));
        assertEquals(0, result.exitCode(), result.err());
        assertEquals("through-fd-3\n", Files.readString(file));
    }

    @Test
    void failureIsLoggedAsJsonForContainerd() throws Exception {
        bundle.args("no-such-command").write();
        Path log = tmp.resolve("log.json");
        Result result = berth("--log", log.toString(), "--log-format", "json", "create", "--bundle", bundle.dir.toString(), id);
        assertEquals(1, result.exitCode());
        JsonNode line = new ObjectMapper().readTree(Files.readAllLines(log).getLast());
        assertEquals("error", line.get("level").asText());
        assertTrue(line.get("msg").asText().contains("no-such-command"), line.toString());
        assertFalse(Files.exists(root.resolve(id)));
    }
}
