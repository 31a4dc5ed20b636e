package dev.berth.bench;

import dev.berth.runtime.ContainerRuntime;
import dev.berth.runtime.ContainerState;
import dev.berth.runtime.CreateOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * berth as a library in a warm JVM: one {@link ContainerRuntime#run} of a busybox container
 * running {@code true}, i.e. create + start + wait + delete, the same work `runc run` does.
 * SampleTime keeps every invocation's time, so the report has a median to set beside hyperfine's.
 *
 * <p>The forked JVM inherits the launching JVM's flags (JMH's default), so
 * {@code java -Dberth.launcher=.../berth-launcher -jar benchmarks.jar} passes the launcher on.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RuntimeLifecycleBenchmark {
    /** In every container ID and so in every cgroup path: what a leak check looks for. */
    static final String ID_PREFIX = "bench-jmh-" + ProcessHandle.current().pid() + "-";

    private Path workDir;
    private Path bundle;
    private ContainerRuntime runtime;
    private long sequence;

    @Setup(Level.Trial)
    public void prepare() {
        try {
            workDir = Files.createTempDirectory("berth-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("create the benchmark's temp dir: " + e.getMessage(), e);
        }
        bundle = BusyboxBundle.create(workDir.resolve("bundle"));
        runtime = new ContainerRuntime(workDir.resolve("state"));
    }

    /** One container from create to delete; a non-zero exit fails the run instead of timing it. */
    @Benchmark
    public int runTrue() {
        String id = ID_PREFIX + ++sequence;
        int exit = runtime.run(id, bundle, CreateOptions.DEFAULT, false);
        if (exit != 0) {
            throw new IllegalStateException("container " + id + " running `true` exited with " + exit);
        }
        return exit;
    }

    /** Deletes any container an interrupted invocation left, then the bundle and the state root. */
    @TearDown(Level.Trial)
    public void cleanUp() {
        if (workDir == null) {
            return;
        }
        if (runtime != null && Files.isDirectory(runtime.root())) {
            for (ContainerState container : runtime.list()) {
                runtime.delete(container.id(), true);
            }
        }
        BusyboxBundle.deleteTree(workDir);
        workDir = null;
    }

    Path workDir() {
        return workDir;
    }

    ContainerRuntime runtime() {
        return runtime;
    }
}
