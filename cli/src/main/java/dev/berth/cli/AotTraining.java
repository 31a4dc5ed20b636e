package dev.berth.cli;

import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.config.BundleLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run of the JDK AOT cache (JEP 483/514; {@code mvn package} runs it with
 * -XX:AOTCacheOutput): the paths of the CLI, so the classes they load (picocli, Jackson, the spec
 * records, the runtime, the JDK's FFM linker) come out of the cache, already parsed and linked, at
 * every later start. Only classes the training loads are cached, so it goes where containerd
 * goes: as root, with /bin/busybox (static) and the launcher at hand, it runs real containers
 * through the verbs ({@link TrainingContainers}; measured: {@code run} of {@code true} 283 ms
 * instead of 331 ms). Otherwise it covers what needs no container and says so.
 *
 * <p>A separate main class rather than a hidden verb: the cache only requires the same class path
 * and JVM options, not the same main class, and users never see a training verb.
 */
public final class AotTraining {
    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("berth-aot-training-");
        boolean clean = true;
        // One pass is enough: the cache keeps the classes loaded and linked and the call sites
        // resolved; method profiles (JEP 515) only serve C2, which jvm-options turns off.
        try (PrintStream sink = new PrintStream(OutputStream.nullOutputStream())) {
            train(work, sink);
            String missing = TrainingContainers.missingPrerequisite();
            if (missing == null) {
                clean = new TrainingContainers(work).train();
            } else {
                System.err.println("AOT training: no containers (" + missing
                        + "); `run`, `create` and the native calls will start slower");
                loadBundle(Files.createDirectories(work.resolve("bundle")));
            }
        } finally {
            deleteTree(work);
        }
        if (!clean) {
            System.exit(1); // the build must not pass with containers or cgroups left on the host
        }
    }

    /** Verbs that need no container: help, spec, features, the empty list, the failure paths. */
    private static void train(Path dir, PrintStream sink) throws IOException {
        Path bundle = Files.createDirectories(dir.resolve("spec-bundle"));
        Path root = Files.createDirectories(dir.resolve("empty-root"));
        String log = dir.resolve("log.json").toString();
        Main.execute(sink, sink, "--version");
        Main.execute(sink, sink, "--help");
        Main.execute(sink, sink, "state", "--help");
        Main.execute(sink, sink, "spec", "--bundle", bundle.toString());
        Main.execute(sink, sink, "features");
        Main.execute(sink, sink, "--root", root.toString(), "list");
        Main.execute(sink, sink, "--root", root.toString(), "list", "--format", "json");
        // The failure paths: the runtime's lookup, error reporting, JSON and text log lines.
        Main.execute(sink, sink, "--root", root.toString(), "--log", log, "--log-format", "json", "state", "nosuch");
        Main.execute(sink, sink, "--root", root.toString(), "--log", log, "--debug", "delete", "nosuch");
        Main.execute(sink, sink, "nosuchverb");
    }

    /**
     * Without containers, at least what `create` does before it touches the system: read
     * config.json, validate it and convert it to the runtime's ContainerConfig.
     */
    private static void loadBundle(Path bundle) throws IOException {
        Files.createDirectories(bundle.resolve("rootfs"));
        Files.writeString(bundle.resolve("config.json"), TrainingContainers.config(List.of("true"), null));
        try {
            BundleLoader.load(bundle, "aot-training");
        } catch (RuntimeFailure e) {
            // Training must not fail the build; a config the runtime refuses is the tests' business.
            System.err.println("AOT training: the training config.json does not load: " + e.getMessage());
        }
    }

    /** The text {@code args} print to stdout, and their exit code (one invocation, in this JVM). */
    static Output execute(String... args) {
        var out = new ByteArrayOutputStream();
        int code;
        try (var stream = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            code = Main.execute(stream, stream, args);
        }
        return new Output(code, out.toString(StandardCharsets.UTF_8));
    }

    record Output(int exitCode, String text) {
    }

    public static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(top)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
