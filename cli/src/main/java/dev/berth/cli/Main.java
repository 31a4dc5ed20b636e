package dev.berth.cli;

import dev.berth.runtime.RuntimeFailure;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of {@code berth-runtime}. Exit codes as runc's: 0 on success, 1 for any failure
 * (bad arguments included: runc reports those through the same fatal() path), for a foreground
 * {@code run} or {@code exec} the process' own exit status, and 255 for a failed {@code exec}.
 */
public final class Main {
    private static final String PREFIX = "berth-runtime: ";

    private Main() {
    }

    public static void main(String[] args) {
        int code = execute(args); // flushes stdout and stderr
        // halt rather than System.exit: Runtime.exit asks System.getLogger("java.lang.Runtime")
        // whether to log the exit (Shutdown.logRuntimeExit in JDK 25), and a process' first
        // getLogger looks for LoggerFinder services in every jar on the class path: measured
        // 64 -> 56 ms for `--version`. halt also skips shutdown hooks: berth registers none, and
        // must go back to System.exit if it ever does.
        Runtime.getRuntime().halt(code);
    }

    /** Runs one command line against the process' stdout and stderr; returns the exit code. */
    public static int execute(String... args) {
        return execute(System.out, System.err, args);
    }

    /** Runs one command line, printing to {@code out} and {@code err}; returns the exit code. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        configurePicocli();
        try {
            return parseAndRun(out, err, args);
        } finally {
            out.flush();
            err.flush();
            // Later log lines of this process (tests, AOT training) must not go to a swapped stream.
            LogOutput.configure(null, LogOutput.Format.TEXT, false, System.err);
        }
    }

    /**
     * picocli registers 17 converters (java.time, java.sql, Path) by reflection for each command
     * it models, and Class.forName initialises every java.time class on the way (~3 ms cold, then
     * reflection on each further command). None of our options has such a type; Path options
     * bring their own converter ({@link Args#option}). A value set by the user stays.
     */
    private static void configurePicocli() {
        System.getProperties().putIfAbsent("picocli.converters.excludes", ".*");
    }

    private static int parseAndRun(PrintStream out, PrintStream err, String[] args) {
        CliContext context = new CliContext(out, err);
        CommandSpec top = context.spec();
        Verb alone = Verbs.alone(top, args);
        CommandLine cli = null;
        ParseResult parsed = null;
        if (alone != null) {
            cli = commandLine(context, top, List.of(alone));
            parsed = parseOrNull(cli, args);
        }
        if (parsed == null) {
            if (alone != null) {
                // A usage error shows the usage of the whole command and suggests any verb: parse
                // again with all of them, from scratch (option values live in the model).
                context = new CliContext(out, err);
                top = context.spec();
            }
            cli = commandLine(context, top, Verbs.all());
            try {
                parsed = cli.parseArgs(args);
            } catch (ParameterException e) {
                return usageError(context, e);
            } catch (RuntimeException e) {
                return fail(context, e);
            }
        }
        return run(context, cli, parsed, args);
    }

    private static ParseResult parseOrNull(CommandLine cli, String[] args) {
        try {
            return cli.parseArgs(args);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Help, or the verb's work, after a successful parse. */
    private static int run(CliContext context, CommandLine cli, ParseResult parsed, String[] args) {
        try {
            if (CommandLine.printHelpIfRequested(parsed)) {
                return 0;
            }
            prepare(context, args);
            ParseResult verb = parsed.subcommand();
            if (verb == null) {
                cli.usage(context.out); // runc without a verb prints its help and succeeds
                return 0;
            }
            return ((Verb) verb.commandSpec().userObject()).run(context);
        } catch (RuntimeException e) {
            return fail(context, e);
        }
    }

    /** The command line of {@code top} with {@code verbs}, configured as runc parses (tests parse with it too). */
    static CommandLine commandLine(CliContext context, CommandSpec top, List<Verb> verbs) {
        // Global options first: INHERIT copies them into the verbs when the verbs are added.
        CommandLine cli = new CommandLine(top, Args.FACTORY);
        for (Verb verb : verbs) {
            cli.addSubcommand(verb.spec());
        }
        // The setters below apply to the verbs registered so far, i.e. to all of them.
        cli.setOut(new PrintWriter(context.out, true));
        cli.setErr(new PrintWriter(context.err, true));
        // runc never colours its help; neither do we, whatever the terminal.
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // runc takes every argument literally; picocli would read "@name" as a file of arguments.
        cli.setExpandAtFiles(false);
        // runc (Go's flag package) gives a flag that takes a value the next argument, whatever it
        // is: `runc --root state list` lists the containers under ./state. picocli refuses values
        // that are subcommand or option names unless told otherwise (both since 4.7.7). All our
        // options take at most one value, so neither setting can make one swallow more.
        cli.setAllowSubcommandsAsOptionParameters(true);
        cli.setAllowOptionsAsOptionParameters(true);
        return cli;
    }

    /** After parsing, before the verb: logging as the global flags say; flags berth refuses. */
    private static void prepare(CliContext context, String[] args) {
        configureLogging(context);
        CliContext.debug(Main.class, "berth-runtime " + String.join(" ", args));
        if (context.systemdCgroup()) {
            throw new RuntimeFailure("systemd cgroup driver is not supported");
        }
    }

    private static void configureLogging(CliContext context) {
        LogOutput.configure(context.logFile(), context.logFormat(), context.debug(), context.err);
    }

    /** Bad arguments: the error, picocli's suggestions, then the usage of the command concerned. */
    private static int usageError(CliContext context, ParameterException error) {
        configureLogging(context); // the flags parsed before the error still say where the log goes
        report(context, error.getMessage(), null);
        UnmatchedArgumentException.printSuggestions(error, context.err);
        error.getCommandLine().usage(context.err);
        return 1;
    }

    /**
     * A failed command: "berth-runtime: MESSAGE" on stderr and, with --log, one error line in the
     * log file. Messages of RuntimeFailure and of the linux module's SyscallException are written
     * for the user; an exception without one is shown by its type. --debug adds the stack trace.
     */
    private static int fail(CliContext context, RuntimeException error) {
        String message = error.getMessage() != null ? error.getMessage() : error.toString();
        report(context, message, error);
        return error instanceof ExitCodeFailure failure ? failure.exitCode() : 1;
    }

    private static void report(CliContext context, String message, Throwable error) {
        context.err.println(PREFIX + message);
        context.err.flush();
        if (LogOutput.file() != null) {
            // The line containerd reads back after a failure: part of runc's interface, so written
            // straight to the log rather than through a System.Logger (whose first lookup costs
            // ~8 ms, see CliContext.debug).
            LogOutput.current().write(System.Logger.Level.ERROR, message);
        }
        if (error != null && LogOutput.current().isLoggable(System.Logger.Level.DEBUG)) {
            CliContext.logger(Main.class).log(System.Logger.Level.DEBUG, "failure detail", error);
        }
    }
}
