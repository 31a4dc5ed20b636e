package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.cgroups.Resources;
import dev.berth.runtime.ExecOptions;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.spec.Process;
import dev.berth.spec.SpecReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flags of exec, ps, pause, resume, update and events: parsed with the command line Main
 * builds, then read back from the verb; and the failures that need no container, through
 * Main.execute.
 */
class NewVerbFlagsTest {
    private static final PrintStream SINK = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path tmp;

    /** Parses {@code args} (global flags, the verb's name, its flags) with {@code verb} alone. */
    private static <V extends Verb> V parse(V verb, String... args) {
        CliContext context = new CliContext(SINK, SINK);
        Main.commandLine(context, context.spec(), List.of(verb)).parseArgs(args);
        return verb;
    }

    private static Process container() throws Exception {
        return SpecReader.parseProcess("""
                {"user": {"uid": 0, "gid": 0}, "args": ["sleep", "1"], "env": ["PATH=/bin"], "cwd": "/"}
                """, "process.json");
    }

    @Test
    void execTakesEveryProcessFlag() throws Exception {
        ExecCommand exec = parse(new ExecCommand(), "exec", "--cwd", "/tmp", "-e", "A=1", "--env", "B=2", "-t",
                "-u", "1000:1000", "-g", "10", "--additional-gids", "11", "--no-new-privs", "-c", "CAP_CHOWN",
                "--cap", "CAP_KILL", "--apparmor", "p", "--process-label", "l", "c1", "sh", "-c", "id");
        ExecOverrides o = exec.overrides();
        assertEquals(new ExecOverrides(List.of("sh", "-c", "id"), List.of("A=1", "B=2"), "/tmp", "1000:1000",
                List.of(10L, 11L), List.of("CAP_CHOWN", "CAP_KILL"), true, true, "p", "l"), o);
    }

    @Test
    void execOptionsEndAtTheContainerId() {
        // -l, -e and --cwd after the ID are the command's, as in runc (SkipArgReorder).
        ExecOverrides o = parse(new ExecCommand(), "exec", "c1", "ls", "-l", "-e", "--cwd", "x").overrides();
        assertEquals(List.of("ls", "-l", "-e", "--cwd", "x"), o.args());
        assertEquals(List.of(), o.env());
        assertNull(o.cwd());
        assertEquals(List.of("ls"), parse(new ExecCommand(), "exec", "c1", "--", "ls").overrides().args());
        assertEquals(List.of(), parse(new ExecCommand(), "exec", "-p", "f.json", "c1").overrides().args());
    }

    @Test
    void execOptionsOutsideTheProcess() throws Exception {
        ExecCommand exec = parse(new ExecCommand(), "exec", "-d", "--pid-file", "rel/pid", "--preserve-fds", "2",
                "-t", "--console-socket", "sock", "c1", "sh");
        Process tty = exec.overrides().applyTo(container());
        ExecOptions options = exec.options(tty);
        Path cwd = Path.of("").toAbsolutePath();
        assertEquals(new ExecOptions(true, cwd.resolve("rel/pid"), 2, cwd.resolve("sock")), options);
        ExecCommand plain = parse(new ExecCommand(), "exec", "c1", "true");
        assertEquals(ExecOptions.DEFAULT, plain.options(plain.overrides().applyTo(container())));
    }

    @Test
    void execTerminalFlagsAreCheckedAsRuncDoes() throws Exception {
        ExecCommand detachedTty = parse(new ExecCommand(), "exec", "-d", "-t", "c1", "sh");
        assertEquals("cannot allocate tty if runc will detach without setting console socket",
                assertThrows(RuntimeFailure.class,
                        () -> detachedTty.options(detachedTty.overrides().applyTo(container()))).getMessage());
        ExecCommand socketNoTty = parse(new ExecCommand(), "exec", "-d", "--console-socket", "s", "c1", "sh");
        assertEquals("cannot use console socket if runc will not detach or allocate tty",
                assertThrows(RuntimeFailure.class,
                        () -> socketNoTty.options(socketNoTty.overrides().applyTo(container()))).getMessage());
    }

    @Test
    void execFailuresExit255WithRuncsPrefix() throws Exception {
        Invocation missing = Invocation.of("--root", tmp.toString(), "exec", "nosuch", "ls", "-la");
        assertEquals(255, missing.exitCode(), missing::toString);
        assertEquals("berth-runtime: exec failed: container does not exist: nosuch\n", missing.err());
        Path bad = Files.writeString(tmp.resolve("process.json"), "{\"args\": \"sh\"}");
        Invocation badFile = Invocation.of("--root", tmp.toString(), "exec", "-p", bad.toString(), "nosuch");
        assertEquals(255, badFile.exitCode(), badFile::toString);
        assertTrue(badFile.err().startsWith("berth-runtime: exec failed: " + bad + ": args: expected an array"),
                badFile::toString);
        // Usage errors stay 1, as runc's flag parsing errors do.
        Invocation usage = Invocation.of("exec", "--preserve-fds", "many", "c1", "sh");
        assertEquals(1, usage.exitCode(), usage::toString);
        assertTrue(usage.err().contains("Usage: berth-runtime exec"), usage::toString);
    }

    @Test
    void psFormatAndPsArgs() {
        PsCommand table = parse(new PsCommand(), "ps", "c1");
        assertEquals(ListCommand.Format.TABLE, table.format());
        assertEquals(List.of(), table.psArgs());
        PsCommand json = parse(new PsCommand(), "ps", "-f", "json", "c1");
        assertEquals(ListCommand.Format.JSON, json.format());
        PsCommand args = parse(new PsCommand(), "ps", "--format", "table", "c1", "-o", "pid,comm", "-f");
        assertEquals(List.of("-o", "pid,comm", "-f"), args.psArgs(), "after the ID everything is ps'");
        Invocation bad = Invocation.of("ps", "--format", "yaml", "c1");
        assertEquals(1, bad.exitCode(), bad::toString);
        assertTrue(bad.err().contains("--format"), bad::toString);
    }

    @Test
    void pauseAndResumeOfAMissingContainerFail() {
        for (String verb : List.of("pause", "resume")) {
            Invocation run = Invocation.of("--root", tmp.toString(), verb, "nosuch");
            assertEquals(1, run.exitCode(), run::toString);
            assertEquals("berth-runtime: container does not exist: nosuch\n", run.err(), run::toString);
            Invocation noId = Invocation.of(verb);
            assertTrue(noId.err().contains("Missing required parameter: '<container-id>'"), noId::toString);
        }
    }

    @Test
    void updateFlagsSetOnlyTheirLimits() {
        UpdateCommand update = parse(new UpdateCommand(), "update", "--memory", "64m", "--memory-reservation", "32M",
                "--memory-swap", "-1", "--cpu-share", "512", "--cpu-quota", "-1", "--cpu-period", "100000",
                "--cpu-rt-period", "1000000", "--cpu-rt-runtime", "950000", "--cpu-burst", "0", "--cpu-idle", "1",
                "--cpuset-cpus", "0-1", "--cpuset-mems", "0", "--pids-limit", "50", "--blkio-weight", "500", "c1");
        Resources r = update.fromFlags().toResources();
        assertEquals(new Resources.Memory(64L << 20, 32L << 20, -1L, null, null, null, null), r.memory());
        assertEquals(new Resources.Cpu(512L, -1L, 100000L, 950000L, 1000000L, "0-1", "0", 0L, true), r.cpu());
        assertEquals(new Resources.Pids(50), r.pids());
        assertEquals(500, r.blockIo().weight());
        assertEquals(List.of(), r.devices(), "update never touches device rules (runc: SkipDevices)");
        Resources one = parse(new UpdateCommand(), "update", "--pids-limit", "-1", "c1").fromFlags().toResources();
        assertEquals(new Resources(null, null, new Resources.Pids(-1), null, null, null, null), one);
        Resources none = parse(new UpdateCommand(), "update", "--memory", "0", "--cpu-shares", "0", "c1")
                .fromFlags().toResources();
        assertEquals(Resources.NONE, none, "0 leaves a limit alone, as in runc");
    }

    @Test
    void updateRefusesBadValuesNamingTheFlag() {
        record Case(List<String> args, String message) {
        }
        for (Case c : List.of(
                new Case(List.of("--memory", "lots"), "invalid value for memory: invalid size: 'lots'"),
                new Case(List.of("--memory-swap", "1q"), "invalid value for memory-swap: invalid suffix: 'q'"),
                new Case(List.of("--cpu-period", "-5"), "invalid value for cpu-period: \"-5\" is not an unsigned integer"),
                new Case(List.of("--cpu-quota", "1.5"), "invalid value for cpu-quota: \"1.5\" is not an integer"))) {
            List<String> args = new java.util.ArrayList<>(List.of("update"));
            args.addAll(c.args());
            args.add("c1");
            UpdateCommand update = parse(new UpdateCommand(), args.toArray(String[]::new));
            assertEquals(c.message(), assertThrows(RuntimeFailure.class, update::fromFlags).getMessage());
        }
        Invocation rdt = Invocation.of("--root", tmp.toString(), "update", "--l3-cache-schema", "L3:0=f", "c1");
        assertEquals("berth-runtime: Intel RDT/CAT: l3 cache schema is not enabled\n", rdt.err(), rdt::toString);
        Invocation notInt = Invocation.of("update", "--pids-limit", "many", "c1");
        assertEquals(1, notInt.exitCode(), notInt::toString);
        assertTrue(notInt.err().contains("--pids-limit"), notInt::toString);
    }

    @Test
    void updateAcceptsTheObsoleteKernelMemoryFlagsWithAWarning() {
        Invocation run = Invocation.of("--root", tmp.toString(), "update", "--kernel-memory", "10m", "nosuch");
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().contains("level=warning msg=\"Setting --kernel-memory is ignored and will be removed\""),
                run::toString);
        assertTrue(run.err().endsWith("berth-runtime: container does not exist: nosuch\n"), run::toString);
        assertFalse(Invocation.of("update", "--help").out().contains("kernel-memory"), "hidden, as in runc");
    }

    @Test
    void updateReadsResourcesFromAFileAndIgnoresTheFlags() throws Exception {
        Path file = Files.writeString(tmp.resolve("r.json"), """
                {"memory": {"limit": 1048576, "swap": 0, "kernel": 5, "checkBeforeUpdate": true},
                 "cpu": {"shares": 2, "cpus": "", "idle": 0},
                 "blockIO": {"weight": 10, "leafWeight": 3},
                 "pids": {"limit": 0},
                 "devices": [{"allow": true, "access": "rwm"}],
                 "unified": {"memory.high": "max"}}
                """);
        Resources r = ResourceChanges.read(file.toString(), System.in).toResources();
        assertEquals(new Resources.Memory(1048576L, null, null, null, null, null, null), r.memory());
        assertEquals(new Resources.Cpu(2L, null, null, null, null, null, null, null, false), r.cpu());
        assertEquals(10, r.blockIo().weight());
        assertNull(r.pids());
        assertEquals(List.of(), r.devices());
        assertEquals(java.util.Map.of("memory.high", "max"), r.unified());
        Resources fromStdin = ResourceChanges.read("-",
                new java.io.ByteArrayInputStream("{\"pids\":{\"limit\":7}}".getBytes())).toResources();
        assertEquals(new Resources.Pids(7), fromStdin.pids());
    }

    @Test
    void updateResourcesErrorsNameTheFileAndField() throws Exception {
        Path file = Files.writeString(tmp.resolve("bad.json"), "{\"memory\": {\"limit\": \"lots\"}}");
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> ResourceChanges.read(file.toString(), System.in));
        assertTrue(e.getMessage().startsWith(file + ": memory.limit: expected an integer"), e.getMessage());
        RuntimeFailure stdin = assertThrows(RuntimeFailure.class, () -> ResourceChanges.read("-",
                new java.io.ByteArrayInputStream("[1]".getBytes())));
        assertTrue(stdin.getMessage().startsWith("standard input: "), stdin.getMessage());
        RuntimeFailure missing = assertThrows(RuntimeFailure.class,
                () -> ResourceChanges.read(tmp.resolve("none.json").toString(), System.in));
        assertEquals("open " + tmp.resolve("none.json") + ": no such file or directory", missing.getMessage());
    }

    @Test
    void eventsIntervalIsAGoDuration() {
        EventsCommand defaults = parse(new EventsCommand(), "events", "c1");
        assertEquals(Duration.ofSeconds(5), defaults.interval());
        assertFalse(defaults.statsOnly());
        EventsCommand set = parse(new EventsCommand(), "events", "--interval", "1m30.5s", "--stats", "c1");
        assertEquals(Duration.ofMillis(90_500), set.interval());
        assertTrue(set.statsOnly());
        Invocation bad = Invocation.of("events", "--interval", "5", "c1");
        assertEquals(1, bad.exitCode(), bad::toString);
        assertTrue(bad.err().contains("time: missing unit in duration \"5\""), bad::toString);
        Invocation zero = Invocation.of("--root", tmp.toString(), "events", "--interval", "0s", "c1");
        assertEquals("berth-runtime: duration interval must be greater than 0\n", zero.err(), zero::toString);
    }
}
