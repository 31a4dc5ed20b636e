package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * exec, ps, pause, resume, update and events on real containers through bin/berth-runtime, with
 * runc's output and exit codes. Each test deletes its container in a finally block.
 */
class CliRuncVerbsIT extends ContainerCliBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Creates and starts a container running {@code script}; returns its init's host PID. */
    private int start(String script) throws IOException {
        bundle.shell(script).write();
        Path pidFile = tmp.resolve("init.pid");
        Result create = berth("create", "--bundle", bundle.dir.toString(), "--pid-file", pidFile.toString(), id);
        assertEquals(0, create.exitCode(), create.err());
        Result start = berth("start", id);
        assertEquals(0, start.exitCode(), start.err());
        return Integer.parseInt(Files.readString(pidFile).trim());
    }

    private void deleteContainer() {
        Result delete = berth("delete", "--force", id);
        assertEquals(0, delete.exitCode(), delete.err());
    }

    private String status() throws IOException {
        return JSON.readTree(berth("state", id).out()).path("status").asText();
    }

    private static String cgroupFile(String controller, String id, String file) throws IOException {
        return Files.readString(Path.of("/sys/fs/cgroup", controller, "berth-" + id, file)).trim();
    }

    @Test
    void execRunsTheCommandWithTheFlagsAndReturnsItsStatus() throws IOException {
        start("sleep 1000");
        try {
            Result run = berth("exec", id, "sh", "-c", "echo out-$((6*7)); echo err-text >&2; exit 3");
            assertEquals(3, run.exitCode(), run.err());
            assertEquals("out-42\n", run.out());
            assertEquals("err-text\n", run.err());
            Result flags = berth("exec", "-e", "FOO=bar", "--env", "PATH=/bin", "--cwd", "/tmp", "-u", "1000:1000",
                    "-g", "2000", id, "sh", "-c", "echo $FOO $PATH $(pwd) $(id -u) $(id -G)");
            assertEquals(0, flags.exitCode(), flags.err());
            assertEquals("bar /bin /tmp 1000 1000 2000\n", flags.out());
            Result killed = berth("exec", id, "sh", "-c", "kill -9 $$");
            assertEquals(128 + 9, killed.exitCode(), killed.err());
            Result missing = berth("exec", id, "no-such-command");
            assertEquals(255, missing.exitCode(), missing.err());
            assertTrue(missing.err().startsWith("berth-runtime: exec failed: ") && missing.err().contains("no-such-command"),
                    missing.err());
        } finally {
            deleteContainer();
        }
    }

    @Test
    void execTakesTheProcessFromProcessJson() throws IOException {
        start("sleep 1000");
        try {
            Path process = Files.writeString(tmp.resolve("process.json"), """
                    {"user": {"uid": 0, "gid": 0}, "cwd": "/tmp", "env": ["WHO=json"],
                     "args": ["sh", "-c", "echo from-$WHO in $(pwd); exit 5"]}
                    """);
            // The command after the ID is ignored with --process, as in runc.
            Result run = berth("exec", "--process", process.toString(), id, "ignored");
            assertEquals(5, run.exitCode(), run.err());
            assertEquals("from-json in /tmp\n", run.out());
        } finally {
            deleteContainer();
        }
    }

    @Test
    void psListsTheContainersHostPids() throws IOException {
        int init = start("sleep 1000");
        try {
            Result json = berth("ps", "--format", "json", id);
            assertEquals(0, json.exitCode(), json.err());
            assertEquals("[" + init + "]\n", json.out());

            Path pidFile = tmp.resolve("exec.pid");
            Result detached = berth("exec", "-d", "--pid-file", pidFile.toString(), id, "sleep", "1000");
            assertEquals(0, detached.exitCode(), detached.err());
            int exec = Integer.parseInt(Files.readString(pidFile).trim());
            List<Integer> pids = new ArrayList<>();
            JSON.readTree(berth("ps", "-f", "json", id).out()).forEach(pid -> pids.add(pid.asInt()));
            List<Integer> both = List.of(Math.min(init, exec), Math.max(init, exec));
            assertEquals(both, pids.stream().sorted().toList());

            Result table = berth("ps", id);
            assertEquals(0, table.exitCode(), table.err());
            List<String> lines = table.out().lines().toList();
            assertEquals(3, lines.size(), table.out());
            List<String> header = List.of(lines.get(0).trim().split("\\s+"));
            int pidColumn = header.indexOf("PID");
            assertTrue(pidColumn >= 0, table.out());
            assertEquals(both, lines.subList(1, 3).stream()
                    .map(line -> Integer.parseInt(line.trim().split("\\s+")[pidColumn])).sorted().toList());

            // Arguments after the ID go to ps(1), options included.
            Result custom = berth("ps", id, "-o", "pid,comm");
            List<String> rows = custom.out().lines().map(line -> line.trim().replaceAll("\\s+", " ")).toList();
            assertEquals("PID COMMAND", rows.getFirst(), custom.out());
            assertEquals(List.of(both.get(0) + " sleep", both.get(1) + " sleep"), rows.subList(1, rows.size()).stream()
                    .sorted((a, b) -> Integer.compare(Integer.parseInt(a.split(" ")[0]), Integer.parseInt(b.split(" ")[0])))
                    .toList());
        } finally {
            deleteContainer();
        }
    }

    @Test
    void pauseFreezesUntilResume() throws IOException {
        start("sleep 1000");
        try {
            assertEquals(0, berth("pause", id).exitCode());
            assertEquals("paused", status());
            Result refused = berth("exec", id, "true");
            assertEquals(255, refused.exitCode(), refused.err());
            assertEquals("berth-runtime: exec failed: cannot exec in a paused container\n", refused.err());
            Result again = berth("pause", id);
            assertEquals(1, again.exitCode(), again.err());
            assertEquals(0, berth("resume", id).exitCode());
            assertEquals("running", status());
            assertEquals(0, berth("exec", id, "true").exitCode());
            Result notPaused = berth("resume", id);
            assertEquals("berth-runtime: container not paused\n", notPaused.err());
        } finally {
            deleteContainer();
        }
    }

    @Test
    void updateWritesTheGivenLimits() throws IOException {
        start("sleep 1000");
        try {
            Result update = berth("update", "--memory", "64m", "--pids-limit", "50", id);
            assertEquals(0, update.exitCode(), update.err());
            assertEquals(Long.toString(64L << 20), cgroupFile("memory", id, "memory.limit_in_bytes"));
            assertEquals("50", cgroupFile("pids", id, "pids.max"));

            Path file = Files.writeString(tmp.resolve("resources.json"), "{\"pids\": {\"limit\": 60}}");
            assertEquals(0, berth("update", "-r", file.toString(), "--pids-limit", "99", id).exitCode());
            assertEquals("60", cgroupFile("pids", id, "pids.max"), "-r wins; the flags are ignored");
            assertEquals(Long.toString(64L << 20), cgroupFile("memory", id, "memory.limit_in_bytes"));

            Path stdin = Files.writeString(tmp.resolve("stdin.json"), "{\"memory\": {\"limit\": 50331648}, \"pids\": {\"limit\": -1}}");
            Result fromStdin = execIn(Path.of("").toAbsolutePath(),
                    List.of(BERTH_RUNTIME.toString(), "--root", root.toString(), "update", "--resources", "-", id), stdin);
            assertEquals(0, fromStdin.exitCode(), fromStdin.err());
            assertEquals("50331648", cgroupFile("memory", id, "memory.limit_in_bytes"));
            assertEquals("max", cgroupFile("pids", id, "pids.max"));
        } finally {
            deleteContainer();
        }
    }

    @Test
    void eventsStatsPrintsOneStatsLine() throws IOException {
        start("sleep 1000");
        try {
            Result stats = berth("events", "--stats", id);
            assertEquals(0, stats.exitCode(), stats.err());
            assertEquals(1, stats.out().lines().count(), stats.out());
            assertTrue(stats.out().endsWith("}\n"), stats.out());
            JsonNode event = JSON.readTree(stats.out());
            assertEquals("stats", event.path("type").asText());
            assertEquals(id, event.path("id").asText());
            JsonNode data = event.path("data");
            assertTrue(data.path("pids").path("current").asLong() >= 1, stats.out());
            assertTrue(data.path("memory").path("usage").path("usage").asLong() > 0, stats.out());
            assertTrue(data.path("cpu").path("usage").has("kernel"), stats.out());
        } finally {
            deleteContainer();
        }
        Result gone = berth("events", "--stats", id);
        assertEquals(1, gone.exitCode());
        assertEquals("berth-runtime: container does not exist: " + id + "\n", gone.err());
    }

    /**
     * The OOM killer takes the child that doubles a string under a 32 MiB limit; the init lives
     * on (sleep), so the container runs until the test kills it, and then `events` ends by itself.
     */
    @Test
    void eventsReportsOomKillsUntilTheContainerStops() throws Exception {
        bundle.resources().putObject("memory").put("limit", 32L << 20);
        bundle.shell("(x=a; while :; do x=$x$x; done); sleep 1000").write();
        Result create = berth("create", "--bundle", bundle.dir.toString(), id);
        assertEquals(0, create.exitCode(), create.err());
        Path out = tmp.resolve("events.out");
        Path err = tmp.resolve("events.err");
        Process events = new ProcessBuilder(BERTH_RUNTIME.toString(), "--root", root.toString(), "events",
                "--interval", "100ms", id).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        try {
            // Once a stats line is out, events has read the OOM count the kill must raise.
            awaitLine(out, "\"type\":\"stats\"", events);
            assertEquals(0, berth("start", id).exitCode());
            awaitLine(out, "{\"type\":\"oom\",\"id\":\"" + id + "\"}", events);
            assertEquals("running", status(), "the init survived its child's OOM kill");
            assertEquals(0, berth("kill", id, "KILL").exitCode());
            assertTrue(events.waitFor(20, TimeUnit.SECONDS), "events did not end when the container stopped");
            assertEquals(0, events.exitValue(), Files.readString(err));
        } finally {
            events.destroyForcibly();
            events.waitFor(10, TimeUnit.SECONDS);
            deleteContainer();
        }
        for (String line : Files.readAllLines(out)) {
            String type = JSON.readTree(line).path("type").asText();
            assertTrue(type.equals("stats") || type.equals("oom"), line);
        }
    }

    private static void awaitLine(Path file, String fragment, Process events) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(file).contains(fragment)) {
            assertTrue(events.isAlive(), "events exited " + (events.isAlive() ? "" : events.exitValue())
                    + " before printing " + fragment);
            assertTrue(System.nanoTime() < deadline, "no " + fragment + " in 30 s:\n" + Files.readString(file));
            Thread.sleep(20);
        }
    }
}
