package dev.berth.cli;

import dev.berth.runtime.ExecOptions;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.spec.Process;
import dev.berth.spec.SpecException;
import dev.berth.spec.SpecReader;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `exec [flags] ID [COMMAND [ARGS...]]`: a new process in a running container. In the foreground
 * it exits with the process' status (128+signal when a signal killed it); when the exec itself
 * fails it exits 255, as runc 1.1 does, so that callers can tell the two apart.
 */
final class ExecCommand implements Verb {
    /** runc's exit code for a failed exec (opencontainers/runc#3073; the convention of ssh). */
    static final int EXEC_FAILED = 255;

    private final OptionSpec consoleSocket = Args.option(Path.class, "PATH",
            "path to an AF_UNIX socket which will receive a file descriptor referencing the master end "
                    + "of the console's pseudoterminal", "--console-socket");
    private final OptionSpec cwd = Args.option(String.class, "DIR", "current working directory in the container", "--cwd");
    private final OptionSpec env = Args.repeatable(String.class, "KEY=VALUE", "set environment variables", "-e", "--env");
    private final OptionSpec tty = Args.flag("allocate a pseudo-TTY", "-t", "--tty");
    private final OptionSpec user = Args.option(String.class, "UID[:GID]", "UID (format: <uid>[:<gid>])", "-u", "--user");
    private final OptionSpec additionalGids = Args.repeatable(Long.class, "GID", "additional gids", "-g", "--additional-gids");
    private final OptionSpec process = Args.option(Path.class, "FILE", "path to the process.json", "-p", "--process");
    private final OptionSpec detach = Args.flag("detach from the container's process", "-d", "--detach");
    private final OptionSpec pidFile = Args.option(Path.class, "PATH", "specify the file to write the process id to", "--pid-file");
    private final OptionSpec processLabel = Args.option(String.class, "LABEL",
            "set the asm process label for the process commonly used with selinux", "--process-label");
    private final OptionSpec apparmor = Args.option(String.class, "PROFILE", "set the apparmor profile for the process", "--apparmor");
    private final OptionSpec noNewPrivs = Args.flag("set the no new privileges value for the process", "--no-new-privs");
    private final OptionSpec cap = Args.repeatable(String.class, "CAP", "add a capability to the bounding set for the process", "-c", "--cap");
    private final OptionSpec preserveFds = OptionSpec.builder("--preserve-fds").type(int.class).arity("1")
            .paramLabel("N").defaultValue("0")
            .description("pass N additional file descriptors to the container (3, 4, ... after stdio)").build();
    private final PositionalParamSpec id = Args.containerId("the container to run the command in");
    private final PositionalParamSpec command = Args.rest(1, "COMMAND", "the command and its arguments (not with -p)");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Args.stopAtFirstPositional(
                Args.command(this, "exec", "execute new process inside the container"));
        for (OptionSpec option : new OptionSpec[] {consoleSocket, cwd, env, tty, user, additionalGids, process, detach,
            pidFile, processLabel, apparmor, noNewPrivs, cap, preserveFds}) {
            spec.addOption(option);
        }
        return spec.addPositional(id).addPositional(command);
    }

    @Override
    public int run(CliContext context) {
        try {
            String container = Args.value(id);
            Process toRun = process(context, container);
            ExecOptions options = options(toRun);
            return context.runtime().exec(container, toRun, options);
        } catch (RuntimeException e) {
            String message = e.getMessage() != null ? e.getMessage() : e.toString();
            throw new ExitCodeFailure(EXEC_FAILED, "exec failed: " + message, e);
        }
    }

    /**
     * From --process as it is (runc then ignores the other process flags and the command), or
     * the container's process with the flags applied.
     */
    private Process process(CliContext context, String container) {
        Path file = Args.value(process);
        if (file != null) {
            try {
                return SpecReader.readProcess(file);
            } catch (SpecException e) {
                throw new RuntimeFailure(e.getMessage(), e);
            }
        }
        return overrides().applyTo(context.runtime().containerProcess(container));
    }

    ExecOverrides overrides() {
        return new ExecOverrides(commandArgs(), Args.values(env), Args.value(cwd), Args.value(user),
                Args.values(additionalGids), Args.values(cap), Args.isSet(tty), Args.isSet(noNewPrivs),
                Args.value(apparmor), Args.value(processLabel));
    }

    /**
     * The command after the ID. A "--" right after the ID only separates (runc-exec(8):
     * "container-id [--] command"): options already end at the ID, so it is never needed, but
     * scripts written for that synopsis pass it.
     */
    private List<String> commandArgs() {
        List<String> args = Args.values(command);
        return !args.isEmpty() && args.getFirst().equals("--") ? args.subList(1, args.size()) : args;
    }

    /**
     * The flags that are not part of the process, with runc's checks of the terminal flags
     * (utils_linux.go checkTerminal). Paths are made absolute against our working directory,
     * as runc does for --pid-file.
     */
    ExecOptions options(Process toRun) {
        boolean detached = Args.isSet(detach);
        boolean terminal = toRun.terminalOrDefault();
        Path socket = Args.value(consoleSocket);
        if (detached && terminal && socket == null) {
            throw new RuntimeFailure("cannot allocate tty if runc will detach without setting console socket");
        }
        if ((!detached || !terminal) && socket != null) {
            throw new RuntimeFailure("cannot use console socket if runc will not detach or allocate tty");
        }
        int fds = Args.value(preserveFds);
        if (fds < 0) {
            throw new RuntimeFailure("--preserve-fds must not be negative: " + fds);
        }
        Path pid = Args.value(pidFile);
        return new ExecOptions(detached, pid == null ? null : absolute(pid), fds, socket == null ? null : absolute(socket));
    }

    private static Path absolute(Path path) {
        return path.toAbsolutePath().normalize();
    }
}
