package dev.berth.cli;

import dev.berth.runtime.RuntimeFailure;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of {@code berth-runtime}. Exit codes as runc's: 0 on success, 1 for any failure
 * (bad arguments included: runc reports those through the same fatal() path), and for a
 * foreground {@code run} the container's own exit status.
 */
public final class Main {
    private static final String PREFIX = "berth-runtime: ";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line against the process' stdout and stderr; returns the exit code. */
    public static int execute(String... args) {
        return execute(System.out, System.err, args);
    }

    /** Runs one command line, printing to {@code out} and {@code err}; returns the exit code. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        CliContext context = new CliContext(out, err);
        CommandLine cli = commandLine(context);
        try {
            ParseResult parsed = cli.parseArgs(args);
            if (CommandLine.printHelpIfRequested(parsed)) {
                return 0;
            }
            prepare(context, args);
            ParseResult verb = parsed.subcommand();
            if (verb == null) {
                cli.usage(out); // runc without a verb prints its help and succeeds
                return 0;
            }
            return ((Verb) verb.commandSpec().userObject()).run(context);
        } catch (ParameterException e) {
            return usageError(context, e);
        } catch (RuntimeException e) {
            return fail(context, e);
        } finally {
            out.flush();
            err.flush();
            // Later log lines of this process (tests, AOT training) must not go to a swapped stream.
            LogOutput.configure(null, LogOutput.Format.TEXT, false, System.err);
        }
    }

    /** The verbs of this release; exec, ps, pause, resume, update, events, checkpoint come later. */
    private static Verb[] verbs() {
        return new Verb[] {
            new CreateCommand(), new RunCommand(), new StartCommand(), new StateCommand(), new KillCommand(),
            new DeleteCommand(), new ListCommand(), new SpecCommand(), new FeaturesCommand()
        };
    }

    private static CommandLine commandLine(CliContext context) {
        // Global options first: INHERIT copies them into the verbs when the verbs are added.
        CommandLine cli = new CommandLine(context.spec());
        for (Verb verb : verbs()) {
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
        return cli;
    }

    /** After parsing, before the verb: logging as the global flags say; flags berth refuses. */
    private static void prepare(CliContext context, String[] args) {
        configureLogging(context);
        System.Logger log = CliContext.logger(Main.class);
        if (log.isLoggable(System.Logger.Level.DEBUG)) {
            log.log(System.Logger.Level.DEBUG, "berth-runtime " + String.join(" ", args));
        }
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
        return 1;
    }

    private static void report(CliContext context, String message, Throwable error) {
        context.err.println(PREFIX + message);
        context.err.flush();
        System.Logger log = CliContext.logger(Main.class);
        if (LogOutput.file() != null) {
            log.log(System.Logger.Level.ERROR, message);
        }
        if (error != null && log.isLoggable(System.Logger.Level.DEBUG)) {
            log.log(System.Logger.Level.DEBUG, "failure detail", error);
        }
    }
}
