package dev.berth.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Base of the tests that run real containers (as root, on this machine's kernel). Each test gets
 * its own state root, bundle (busybox rootfs) and container ID; the container's stdout and stderr
 * go to files through a bind mount of a host directory at /out. After each test nothing of the
 * container may remain: no state directory, no cgroup, no process.
 */
abstract class ContainerTest {
    @TempDir
    Path tmp;
    Path stateRoot;
    ContainerRuntime runtime;
    TestBundle bundle;
    Path out;
    String id;

    record Result(int exitCode, String stdout, String stderr) {
    }

    @BeforeEach
    void setUpContainer() throws IOException {
        if (!"0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim())) {
            fail("container tests need root: run them with the README's test command as root");
        }
        stateRoot = tmp.resolve("state");
        runtime = new ContainerRuntime(stateRoot);
        id = "t" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        bundle = TestBundle.create(tmp, "true");
        out = Files.createDirectories(tmp.resolve("out"));
        // Tests run the container as other users too; they must be able to write their output.
        Files.setPosixFilePermissions(out, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        bundle.mounts().add(bundle.json(
                "{\"destination\": \"/out\", \"type\": \"bind\", \"source\": \"" + out + "\", \"options\": [\"rbind\", \"rw\"]}"));
        bundle.write();
    }

    /** Sets every capability set of the process to exactly {@code names} and writes the config. */
    void grantCapabilities(String... names) {
        var caps = bundle.process().putObject("capabilities");
        for (String set : new String[] {"bounding", "effective", "permitted"}) {
            var array = caps.putArray(set);
            for (String name : names) {
                array.add(name);
            }
        }
        bundle.write();
    }

    /** Runs {@code script} with sh in the foreground; stdout and stderr are captured. */
    Result run(String script) {
        bundle.args("sh", "-c", "exec >/out/stdout 2>/out/stderr; " + script).write();
        int code = runtime.run(id, bundle.dir, CreateOptions.DEFAULT, false);
        return new Result(code, read("stdout"), read("stderr"));
    }

    /** Runs {@code script} and fails the test unless it exits 0; returns its stdout. */
    String runOk(String script) {
        Result result = run(script);
        assertEquals(0, result.exitCode(), () -> "container exited " + result.exitCode() + "; stderr: " + result.stderr()
                + "; stdout: " + result.stdout());
        return result.stdout();
    }

    String read(String name) {
        try {
            Path file = out.resolve(name);
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterEach
    void nothingLeftBehind() {
        boolean existed = Files.exists(stateRoot.resolve(id));
        if (existed) {
            // Clean up first so one failure does not cascade, then fail: the test left it behind.
            try {
                runtime.delete(id, true);
            } catch (RuntimeException ignored) {
                // reported below
            }
        }
        Leaks.assertNoneFor(id);
        assertFalse(existed, "the test left container " + id + " behind");
    }
}
