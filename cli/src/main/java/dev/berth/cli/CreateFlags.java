package dev.berth.cli;

import dev.berth.runtime.CreateOptions;
import dev.berth.runtime.RuntimeFailure;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The flags `create` and `run` share, with runc's names and help. */
final class CreateFlags {
    private final OptionSpec bundle = Args.option(Path.class, "DIR",
            "path to the root of the bundle directory, defaults to the current directory", "-b", "--bundle");
    private final OptionSpec consoleSocket = Args.option(Path.class, "PATH",
            "path to an AF_UNIX socket which will receive a file descriptor referencing the master end "
                    + "of the console's pseudoterminal", "--console-socket");
    private final OptionSpec pidFile = Args.option(Path.class, "PATH",
            "specify the file to write the process id to", "--pid-file");
    private final OptionSpec noPivot = Args.flag(
            "do not use pivot root to jail process inside rootfs (for ramdisk roots)", "--no-pivot");
    private final OptionSpec noNewKeyring = Args.flag(
            "do not create a new session keyring for the container", "--no-new-keyring");
    private final OptionSpec preserveFds = OptionSpec.builder("--preserve-fds").type(int.class).arity("1")
            .paramLabel("N").defaultValue("0")
            .description("pass N additional file descriptors to the container (3, 4, ... after stdio)").build();

    CommandSpec addTo(CommandSpec spec) {
        for (OptionSpec option : new OptionSpec[] {bundle, consoleSocket, pidFile, noPivot, noNewKeyring, preserveFds}) {
            spec.addOption(option);
        }
        return spec;
    }

    /** runc runs in the bundle (default: the current directory) and so sees it as absolute. */
    Path bundle() {
        Path dir = Args.value(bundle);
        return absolute(dir == null ? Path.of("") : dir);
    }

    /**
     * The options the runtime takes. runc makes --pid-file and --console-socket absolute against
     * the caller's working directory (filepath.Abs) before it changes directory; so do we.
     */
    CreateOptions options(Class<?> verb) {
        int fds = Args.value(preserveFds);
        if (fds < 0) {
            throw new RuntimeFailure("--preserve-fds must not be negative: " + fds);
        }
        if (Args.isSet(noNewKeyring)) {
            CliContext.debug(verb, "--no-new-keyring: accepted; the runtime creates no session keyring");
        }
        Path pid = Args.value(pidFile);
        Path console = Args.value(consoleSocket);
        return new CreateOptions(pid == null ? null : absolute(pid), console == null ? null : absolute(console),
                Args.isSet(noPivot), fds);
    }

    private static Path absolute(Path path) {
        return path.toAbsolutePath().normalize();
    }
}
