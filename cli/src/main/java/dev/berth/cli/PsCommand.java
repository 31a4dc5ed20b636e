package dev.berth.cli;

import dev.berth.linux.Fd;
import dev.berth.linux.OpenFlags;
import dev.berth.linux.Processes;
import dev.berth.linux.SocketPair;
import dev.berth.linux.Spawn;
import dev.berth.linux.WaitStatus;
import dev.berth.runtime.RuntimeFailure;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `ps [-f table|json] ID [PS_ARGS...]`, as runc's ps.go: json prints the host PIDs of the
 * container's processes; table runs the host's ps(1) (with PS_ARGS, default -ef) and keeps its
 * header and the lines whose PID column is one of those PIDs.
 */
final class PsCommand implements Verb {
    private final OptionSpec format = OptionSpec.builder("-f", "--format").type(ListCommand.Format.class).arity("1")
            .paramLabel("table|json").defaultValue("table")
            .description("select one of: table or json (default: table)").build();
    private final PositionalParamSpec id = Args.containerId("the container whose processes to show");
    private final PositionalParamSpec psArgs = Args.rest(1, "PS_ARGS", "options for ps(1) (default: -ef)");

    @Override
    public CommandSpec spec() {
        return Args.stopAtFirstPositional(Args.command(this, "ps", "ps displays the processes running inside a container"))
                .addOption(format).addPositional(id).addPositional(psArgs);
    }

    @Override
    public int run(CliContext context) {
        List<Integer> pids = context.runtime().processes(Args.value(id));
        if (format() == ListCommand.Format.JSON) {
            context.out.print(json(pids));
        } else {
            List<String> args = psArgs();
            context.out.print(table(runPs(args.isEmpty() ? List.of("-ef") : args), pids));
        }
        context.out.flush();
        return 0;
    }

    ListCommand.Format format() {
        return Args.value(format);
    }

    List<String> psArgs() {
        return Args.values(psArgs);
    }

    /** What Go's json.Encoder writes for runc's []int: "[1,2]\n", and "[]\n" for none. */
    static String json(List<Integer> pids) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < pids.size(); i++) {
            out.append(i == 0 ? "" : ",").append(pids.get(i));
        }
        return out.append("]\n").toString();
    }

    /**
     * The first line of ps' output, then each line whose field under the "PID" header is one of
     * {@code pids}. Fields are split on blanks, as runc's strings.Fields: a command column with
     * spaces comes after PID in every ps format that has one.
     */
    static String table(String psOutput, Collection<Integer> pids) {
        String[] lines = psOutput.split("\n", -1);
        List<String> titles = fields(lines[0]);
        int pidIndex = titles.indexOf("PID");
        if (pidIndex < 0) {
            throw new RuntimeFailure("couldn't find PID field in ps output");
        }
        Set<Integer> wanted = new HashSet<>(pids);
        StringBuilder out = new StringBuilder(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                continue;
            }
            List<String> fields = fields(lines[i]);
            String pidField = pidIndex < fields.size() ? fields.get(pidIndex) : "";
            int pid;
            try {
                pid = Integer.parseInt(pidField);
            } catch (NumberFormatException e) {
                throw new RuntimeFailure("unable to parse pid: \"" + pidField + "\" in ps output line: " + lines[i], e);
            }
            if (wanted.contains(pid)) {
                out.append(lines[i]).append('\n');
            }
        }
        return out.toString();
    }

    private static List<String> fields(String line) {
        String trimmed = line.strip();
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
    }

    /**
     * ps(1) found in $PATH, started with posix_spawn (the JVM never forks), stdin from /dev/null
     * and stdout and stderr both into one socket, as Go's CombinedOutput; returns that output.
     */
    static String runPs(List<String> args) {
        Path ps = lookPath("ps");
        List<String> argv = new ArrayList<>(List.of("ps"));
        argv.addAll(args);
        List<String> env = new ArrayList<>();
        System.getenv().forEach((name, value) -> env.add(name + "=" + value));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int pid;
        try (SocketPair pair = SocketPair.create(); Fd devNull = Fd.open(Path.of("/dev/null"), OpenFlags.O_RDONLY, 0)) {
            pid = Spawn.spawn(ps, argv, env, Map.of(0, devNull, 1, pair.childEnd(), 2, pair.childEnd()));
            // Our copy of the child's end must go, or reading would never see end of file.
            pair.childEnd().close();
            byte[] buffer = new byte[8192];
            for (int n = pair.parentEnd().read(buffer, 0, buffer.length); n >= 0;
                 n = pair.parentEnd().read(buffer, 0, buffer.length)) {
                output.write(buffer, 0, n);
            }
        }
        WaitStatus status = Processes.waitpid(pid, false);
        String text = output.toString(StandardCharsets.UTF_8);
        if (!status.exited() || status.exitCode() != 0) {
            throw new RuntimeFailure(ps + " " + String.join(" ", args) + ": "
                    + (status.exited() ? "exit status " + status.exitCode() : "killed by signal " + status.signal())
                    + ": " + text.strip());
        }
        return text;
    }

    /** Go's exec.LookPath for a bare name: the first executable regular file in $PATH. */
    static Path lookPath(String name) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(":", -1)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new RuntimeFailure("exec: \"" + name + "\": executable file not found in $PATH");
    }
}
