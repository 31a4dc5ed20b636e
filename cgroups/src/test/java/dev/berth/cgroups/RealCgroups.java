package dev.berth.cgroups;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * What the tests on this host's real cgroupfs share: processes they start (tracked, so that only
 * those are ever killed) and the removal of the test's own cgroup trees, thawing them first since
 * SIGKILL does not reach a task frozen by the v1 freezer.
 */
final class RealCgroups implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> tops = new ArrayList<>();

    /** Remembers {@code top} (a test cgroup directory in one hierarchy) for removal by {@link #close()}. */
    void removeLater(Path top) {
        tops.add(top);
    }

    Process start(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(process);
        return process;
    }

    /** A shell that appends a line to {@code counter} as fast as it can: the file's size shows progress. */
    Process counterLoop(Path counter) throws IOException {
        return start("sh", "-c", "i=0; while :; do i=$((i+1)); echo $i >> \"$0\"; done", counter.toString());
    }

    /** Writes one line to the process's stdin (the scripts wait for it with {@code read}). */
    static void go(Process process) throws IOException {
        process.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    static String readLine(Process process) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = process.getInputStream().read()) != -1 && c != '\n'; ) {
            line.append((char) c);
        }
        return line.toString();
    }

    /** The "State:" letter of /proc/PID/status (R, S, D, T, Z ...). */
    static String state(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("State:")).findFirst().orElseThrow().substring("State:".length()).strip()
                .substring(0, 1);
    }

    /** Waits up to 5 s for {@code value} to exceed {@code than}. */
    static long awaitGrowth(LongSupplier value, long than, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            long now = value.getAsLong();
            if (now > than) {
                return now;
            }
            Thread.sleep(10);
        }
        return fail(what + " did not grow beyond " + than + " within 5 s");
    }

    static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Path top : tops) {
            for (Path dir : dirsBelow(top)) {
                unfreeze(dir);
            }
        }
        for (Process process : processes) {
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError("test process " + process.pid() + " survived SIGKILL");
            }
        }
        for (Path top : tops) {
            for (Path dir : dirsBelow(top).reversed()) {
                new CgroupFiles().rmdir(dir, true);
            }
        }
    }

    private static void unfreeze(Path dir) throws IOException {
        if (Files.exists(dir.resolve("freezer.state"))) {
            Files.writeString(dir.resolve("freezer.state"), "THAWED");
        }
        if (Files.exists(dir.resolve("cgroup.freeze"))) {
            Files.writeString(dir.resolve("cgroup.freeze"), "0");
        }
    }

    /** top and the directories below it, parents first; empty if top does not exist. */
    private static List<Path> dirsBelow(Path top) throws IOException {
        if (!Files.isDirectory(top)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(top)) {
            return walk.filter(Files::isDirectory).sorted(Comparator.comparingInt(Path::getNameCount)).toList();
        }
    }
}
