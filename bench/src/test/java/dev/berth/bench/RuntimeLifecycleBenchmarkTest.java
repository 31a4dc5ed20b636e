package dev.berth.bench;

import dev.berth.runtime.CreateOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's invocations run real containers and leave nothing behind. No timing is
 * asserted: this proves the benchmark measures successful lifecycles, not how fast they are.
 */
class RuntimeLifecycleBenchmarkTest {
    private final RuntimeLifecycleBenchmark benchmark = new RuntimeLifecycleBenchmark();

    @AfterEach
    void cleanUp() {
        benchmark.cleanUp();
    }

    @Test
    void eachInvocationRunsAContainerToCompletionAndDeletesIt() {
        benchmark.prepare();
        Path workDir = benchmark.workDir();
        assertNotNull(workDir);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, benchmark.runTrue());
            assertEquals(List.of(), benchmark.runtime().list(), "run deletes the container it ran");
            assertEquals(List.of(), cgroupDirs(RuntimeLifecycleBenchmark.ID_PREFIX), "cgroups left after run");
        }
        benchmark.cleanUp();
        assertFalse(Files.exists(workDir), "teardown removes the bundle and the state root");
    }

    @Test
    void teardownDeletesAContainerThatWasLeftCreated() {
        benchmark.prepare();
        Path workDir = benchmark.workDir();
        String id = RuntimeLifecycleBenchmark.ID_PREFIX + "left";
        benchmark.runtime().create(id, workDir.resolve("bundle"), CreateOptions.DEFAULT);
        assertEquals(1, benchmark.runtime().list().size());
        assertFalse(cgroupDirs(id).isEmpty(), "a created container has its cgroup");
        benchmark.cleanUp();
        assertEquals(List.of(), cgroupDirs(RuntimeLifecycleBenchmark.ID_PREFIX));
        assertFalse(Files.exists(workDir));
    }

    @Test
    void aFailingContainerFailsTheInvocationInsteadOfBeingTimed() throws IOException {
        benchmark.prepare();
        Path config = benchmark.workDir().resolve("bundle/config.json");
        Files.writeString(config, Files.readString(config).replace("[\"true\"]", "[\"false\"]"));
        IllegalStateException failure = assertThrows(
                IllegalStateException.class, benchmark::runTrue);
        assertTrue(failure.getMessage().contains("exited with 1"), failure.getMessage());
        assertEquals(List.of(), cgroupDirs(RuntimeLifecycleBenchmark.ID_PREFIX));
    }

    /**
     * Cgroup directories, in any hierarchy to depth 3 (as `find /sys/fs/cgroup -maxdepth 3`),
     * whose name contains {@code marker}. Other processes create and remove cgroups while we look,
     * so a directory that vanishes mid-walk is skipped rather than failing the test.
     */
    static List<Path> cgroupDirs(String marker) {
        List<Path> found = new ArrayList<>();
        collect(Path.of("/sys/fs/cgroup"), 3, marker, found);
        return found;
    }

    private static void collect(Path dir, int depth, String marker, List<Path> found) {
        if (depth == 0) {
            return;
        }
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
        } catch (NoSuchFileException vanished) {
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("list " + dir + ": " + e.getMessage(), e);
        }
        for (Path child : children) {
            if (child.getFileName().toString().contains(marker)) {
                found.add(child);
            }
            collect(child, depth - 1, marker, found);
        }
    }
}
