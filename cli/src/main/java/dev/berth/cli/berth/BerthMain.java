package dev.berth.cli.berth;

import dev.berth.cli.Args;
import dev.berth.cli.CliLogging;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of {@code bin/berth}, berth's own command line. {@code berth image VERB} has the
 * docker CLI's image verbs and flags; the ones docker also has at top level are aliases here too
 * ({@code berth pull}, {@code berth images}, {@code berth rmi}, ...), and {@code berth login} and
 * {@code logout} keep registry credentials in docker's config.json. Exit codes: 0 success, 1 a
 * failed operation, 2 bad arguments.
 */
public final class BerthMain {
    private static final String PREFIX = "berth: ";

    /** {@code image} verbs in help order, each with the top-level alias docker gives it (or null). */
    private static final List<Entry> IMAGE_VERBS = List.of(
            new Entry("pull", "pull", ImagePullCommand::new),
            new Entry("push", "push", ImagePushCommand::new),
            new Entry("ls", "images", ImageListCommand::new),
            new Entry("inspect", null, ImageInspectCommand::new),
            new Entry("history", "history", ImageHistoryCommand::new),
            new Entry("rm", "rmi", ImageRemoveCommand::new),
            new Entry("tag", "tag", ImageTagCommand::new),
            new Entry("save", "save", ImageSaveCommand::new),
            new Entry("load", "load", ImageLoadCommand::new),
            new Entry("import", null, ImageImportCommand::new),
            new Entry("export", null, ImageExportCommand::new),
            new Entry("unpack", null, ImageUnpackCommand::new),
            new Entry("mount", null, ImageMountCommand::new),
            new Entry("unmount", null, ImageUnmountCommand::new),
            new Entry("prune", null, ImagePruneCommand::new));

    /** Top-level verbs that are not image verbs. */
    private static final List<Entry> TOP_VERBS = List.of(
            new Entry("login", null, LoginCommand::new),
            new Entry("logout", null, LogoutCommand::new));

    private record Entry(String name, String alias, Supplier<BerthVerb> verb) {
    }

    private BerthMain() {
    }

    public static void main(String[] args) {
        boolean terminal = System.console() != null && System.console().isTerminal();
        int code = execute(System.out, System.err, terminal, args);
        // As the runtime CLI: halt skips the logger lookup of Runtime.exit (see dev.berth.cli.Main).
        Runtime.getRuntime().halt(code);
    }

    /** Runs one command line; returns the exit code. */
    public static int execute(PrintStream out, PrintStream err, boolean terminal, String... args) {
        return execute(System.in, out, err, terminal, args);
    }

    /** Runs one command line reading {@code in} as its standard input (login --password-stdin). */
    public static int execute(InputStream in, PrintStream out, PrintStream err, boolean terminal, String... args) {
        System.getProperties().putIfAbsent("picocli.converters.excludes", ".*");
        BerthContext context = new BerthContext(in, out, err, terminal);
        CliLogging.forPeople(err, false);
        OptionSpec root = Args.option(Path.class, "<dir>",
                "where images, content and snapshots are kept (default /var/lib/berth, or $BERTH_ROOT)", "--root");
        OptionSpec insecure = Args.repeatable(String.class, "<host[:port]>",
                "use plain HTTP for this registry (127.0.0.0/8 and localhost always do)", "--insecure-registry");
        OptionSpec config = Args.option(Path.class, "<dir>",
                "where registry credentials are kept, as docker's --config (default $DOCKER_CONFIG, or ~/.docker)",
                "--config");
        OptionSpec debug = Args.flag("log debug messages and show stack traces of failures", "--debug");
        CommandSpec top = Args.command(null, "berth", "berth: containers on the JVM")
                .addOption(root).addOption(insecure).addOption(config).addOption(debug)
                .addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("show this help").build());
        CommandLine cli = commandLine(top, out, err);
        try {
            ParseResult parsed;
            try {
                parsed = cli.parseArgs(args);
            } catch (ParameterException e) {
                err.println(PREFIX + e.getMessage());
                UnmatchedArgumentException.printSuggestions(e, err);
                e.getCommandLine().usage(err);
                return 2;
            }
            if (CommandLine.printHelpIfRequested(parsed)) {
                return 0;
            }
            ParseResult leaf = parsed;
            while (leaf.subcommand() != null) {
                leaf = leaf.subcommand();
            }
            if (!(leaf.commandSpec().userObject() instanceof BerthVerb verb)) {
                leaf.commandSpec().commandLine().usage(out);
                return leaf == parsed ? 0 : 2;
            }
            CliLogging.forPeople(err, Args.isSet(debug));
            if (root.getValue() != null) {
                context.root(root.getValue());
            }
            context.insecureRegistries(Args.values(insecure));
            if (config.getValue() != null) {
                context.dockerConfigDirectory(config.getValue());
            }
            return verb.run(context);
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() != null ? e.getMessage() : e.toString();
            err.println(PREFIX + message);
            if (Args.isSet(debug)) {
                e.printStackTrace(err);
            }
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static CommandLine commandLine(CommandSpec top, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(top, Args.FACTORY);
        CommandSpec imageSpec = Args.command(null, "image", "manage images: pull, push, list, move, unpack")
                .addOption(help());
        CommandLine image = new CommandLine(imageSpec, Args.FACTORY);
        for (Entry entry : IMAGE_VERBS) {
            image.addSubcommand(entry.name(), new CommandLine(withHelp(entry.verb().get().spec()), Args.FACTORY));
        }
        cli.addSubcommand("image", image);
        for (Entry entry : IMAGE_VERBS) {
            if (entry.alias() != null) {
                // A second instance: one verb object holds the values of one parse.
                CommandSpec alias = withHelp(entry.verb().get().spec().name(entry.alias()));
                cli.addSubcommand(entry.alias(), new CommandLine(alias, Args.FACTORY));
            }
        }
        for (Entry entry : TOP_VERBS) {
            cli.addSubcommand(entry.name(), new CommandLine(withHelp(entry.verb().get().spec()), Args.FACTORY));
        }
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cli.setExpandAtFiles(false);
        return cli;
    }

    private static CommandSpec withHelp(CommandSpec spec) {
        return spec.addOption(help());
    }

    private static OptionSpec help() {
        return OptionSpec.builder("-h", "--help").usageHelp(true).description("show this help").build();
    }
}
