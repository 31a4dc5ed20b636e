package dev.berth.cli;

import dev.berth.runtime.ContainerRuntime;
import dev.berth.spec.DefaultSpec;
import dev.berth.spec.Features;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;

/**
 * One invocation: runc's global flags, the output streams and the runtime they select.
 *
 * <p>containerd and Podman put the global flags before the verb
 * ({@code runc --root R --log L --log-format json create ...}). The common ones (--root, --log,
 * --log-format, --debug, --help) are also accepted after it: {@link ScopeType#INHERIT} copies them
 * into every verb, and the copies store their value in the same place as the originals here.
 */
final class CliContext {
    // Compile-time constants: javac copies them here, so -v loads no class of the spec module.
    static final String VERSION = Features.BERTH_VERSION;
    /** The runtime-spec version berth implements, printed by -v as runc prints its own. */
    static final String SPEC_VERSION = DefaultSpec.OCI_VERSION;

    /** What runc's --rootless accepts; berth checks the value and otherwise ignores the flag. */
    enum Rootless { AUTO, TRUE, FALSE }

    final PrintStream out;
    final PrintStream err;

    private final OptionSpec root = inherited(Args.option(Path.class, "DIR",
            "root directory for storage of container state (default: /run/berth)", "--root"));
    private final OptionSpec log = inherited(Args.option(Path.class, "FILE",
            "append log lines to FILE instead of stderr", "--log"));
    private final OptionSpec logFormat = OptionSpec.builder("--log-format").scopeType(ScopeType.INHERIT)
            .type(LogOutput.Format.class).arity("1").paramLabel("text|json").defaultValue("text")
            .description("log format: text or json (default: text)").build();
    private final OptionSpec debug = inherited(Args.flag("enable debug logging", "--debug"));
    private final OptionSpec systemdCgroup =
            Args.flag("use the systemd cgroup driver (not supported)", "--systemd-cgroup");
    // Only before the verb, as in runc: `spec --rootless` is a different, boolean flag.
    private final OptionSpec rootless = OptionSpec.builder("--rootless").type(Rootless.class).arity("1")
            .paramLabel("auto|true|false").defaultValue("auto")
            .description("accepted for runc compatibility; ignored").build();
    private final OptionSpec criu = Args.option(String.class, "PATH",
            "accepted for runc compatibility; ignored (no checkpoint support)", "--criu");

    private ContainerRuntime runtime;

    CliContext(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** The top-level command: global flags, -v and -h; verbs are added by {@link Main}. */
    CommandSpec spec() {
        CommandSpec spec = Args.command().name("berth-runtime")
                .version("berth-runtime version " + VERSION, "spec: " + SPEC_VERSION);
        spec.usageMessage().description("Runs OCI containers (runc-compatible command line).");
        for (OptionSpec option : new OptionSpec[] {root, log, logFormat, debug, systemdCgroup, rootless, criu}) {
            spec.addOption(option);
        }
        spec.addOption(OptionSpec.builder("-v", "--version").versionHelp(true).arity("0")
                .description("print the version").build());
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).arity("0")
                .scopeType(ScopeType.INHERIT).description("show help").build());
        return spec;
    }

    private static OptionSpec inherited(OptionSpec option) {
        return OptionSpec.builder(option).scopeType(ScopeType.INHERIT).build();
    }

    /** The --log file made absolute, or null: lines then go to stderr. */
    Path logFile() {
        Path file = Args.value(log);
        return file == null ? null : file.toAbsolutePath();
    }

    LogOutput.Format logFormat() {
        LogOutput.Format format = Args.value(logFormat);
        return format == null ? LogOutput.Format.TEXT : format;
    }

    boolean debug() {
        return Args.isSet(debug);
    }

    boolean systemdCgroup() {
        return Args.isSet(systemdCgroup);
    }

    /** The runtime for --root, made absolute as runc does (filepath.Abs). */
    ContainerRuntime runtime() {
        if (runtime == null) {
            Path dir = Args.value(root);
            runtime = new ContainerRuntime((dir == null ? ContainerRuntime.DEFAULT_ROOT : dir).toAbsolutePath().normalize());
        }
        return runtime;
    }

    /** A logger named after the class asking; created on use, so verbs that don't log load nothing. */
    static System.Logger logger(Class<?> owner) {
        return System.getLogger(owner.getName());
    }

    /**
     * A debug line from {@code owner}, if --debug asked for them. Without it no logger is made:
     * the process' first System.getLogger looks for LoggerFinder services in every jar on the
     * class path, opening them all (~8 ms of a cold `state` here), which a line nobody will see
     * should not cost.
     */
    static void debug(Class<?> owner, String message) {
        if (LogOutput.current().isLoggable(System.Logger.Level.DEBUG)) {
            logger(owner).log(System.Logger.Level.DEBUG, message);
        }
    }
}
