package dev.berth.cli;

import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.config.BundleLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The training run of the JDK AOT cache (JEP 483/514; {@code mvn package} runs it with
 * -XX:AOTCacheOutput): the common paths of the CLI that need neither root nor a container, so the
 * classes they load (picocli, Jackson, the spec records, the runtime's state code) come out of the
 * cache, already parsed and linked, at every later start.
 *
 * <p>A separate main class rather than a hidden verb: the cache only requires the same class path
 * and JVM options, not the same main class, and users never see a training verb.
 */
public final class AotTraining {
    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("berth-aot-training-");
        // One pass is enough: the cache keeps the classes loaded and linked and the call sites
        // resolved; method profiles (JEP 515) only serve C2, which jvm-options turns off.
        try (PrintStream sink = new PrintStream(OutputStream.nullOutputStream())) {
            train(work, sink);
        } finally {
            deleteTree(work);
        }
    }

    private static void train(Path dir, PrintStream sink) throws IOException {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Path root = Files.createDirectories(dir.resolve("root"));
        String log = dir.resolve("log.json").toString();
        Main.execute(sink, sink, "--version");
        Main.execute(sink, sink, "--help");
        Main.execute(sink, sink, "state", "--help");
        Main.execute(sink, sink, "spec", "--bundle", bundle.toString());
        loadBundle(bundle);
        Main.execute(sink, sink, "features");
        Main.execute(sink, sink, "--root", root.toString(), "list");
        Main.execute(sink, sink, "--root", root.toString(), "list", "--format", "json");
        // The failure path: the runtime's lookup, error reporting, JSON and text log lines.
        Main.execute(sink, sink, "--root", root.toString(), "--log", log, "--log-format", "json", "state", "nosuch");
        Main.execute(sink, sink, "--root", root.toString(), "--log", log, "--debug", "delete", "nosuch");
        Main.execute(sink, sink, "nosuchverb");
    }

    /**
     * What `create` does before it touches the system: read config.json, validate it (SpecReader,
     * SpecValidator) and convert it to the runtime's ContainerConfig. Pure Java, no root needed.
     */
    private static void loadBundle(Path bundle) throws IOException {
        Files.createDirectories(bundle.resolve("rootfs"));
        // The default spec asks for a terminal, as runc's does; containerd turns it off for
        // containers without a tty, and the runtime refuses terminals for now.
        Path config = bundle.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"terminal\": true", "\"terminal\": false"));
        try {
            BundleLoader.load(bundle, "aot-training");
        } catch (RuntimeFailure e) {
            // Training must not fail the build; a broken default spec is the spec tests' business.
            System.err.println("AOT training: the default config.json does not load: " + e.getMessage());
        }
    }

    private static void deleteTree(Path top) throws IOException {
        try (Stream<Path> paths = Files.walk(top)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
