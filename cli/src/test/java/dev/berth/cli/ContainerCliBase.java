package dev.berth.cli;

import dev.berth.runtime.TestBundle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real containers through bin/berth-runtime, as containerd and Podman call it: one process per
 * verb, stdio inherited by the container. Each test gets a bundle, a --root and a container ID,
 * and must delete its container: one left behind fails the test.
 */
abstract class ContainerCliBase {
    static final Path BERTH_RUNTIME = Path.of(System.getProperty("user.dir")).resolve("../bin/berth-runtime").normalize();

    @TempDir
    Path tmp;
    Path root;
    TestBundle bundle;
    String id;

    record Result(int exitCode, String out, String err) {
    }

    @BeforeEach
    void setUp() {
        root = tmp.resolve("state");
        bundle = TestBundle.create(tmp, "true");
        id = "cli" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xfffffff);
    }

    @AfterEach
    void nothingLeft() throws IOException {
        boolean left = Files.exists(root.resolve(id));
        if (left) {
            berth("delete", "--force", id);
        }
        assertFalse(left, "the test left container " + id + " behind");
    }

    Result berth(String... args) {
        List<String> command = new ArrayList<>(List.of(BERTH_RUNTIME.toString(), "--root", root.toString()));
        command.addAll(List.of(args));
        return exec(command);
    }

    /**
     * Output goes to files, not pipes: after `create` the container holds berth's stdout and
     * stderr (they are its stdio), so a pipe would not reach EOF until the container exits.
     */
    Result exec(List<String> command) {
        return execIn(Path.of("").toAbsolutePath(), command);
    }

    Result execIn(Path directory, List<String> command) {
        return execIn(directory, command, Path.of("/dev/null"));
    }

    Result execIn(Path directory, List<String> command, Path stdin) {
        try {
            Path out = Files.createTempFile(tmp, "out", ".txt");
            Path err = Files.createTempFile(tmp, "err", ".txt");
            Process process = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
