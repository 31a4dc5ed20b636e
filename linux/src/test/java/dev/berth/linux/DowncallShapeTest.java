package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole module binds ONE downcall shape: each shape costs a cold JVM (the CLI) 3.5–7.5 ms of
 * code spinning, so a new one must be a deliberate choice, not an accident. The FFM linker spins
 * one {@code jdk.internal.foreign.abi.DowncallStub} hidden class per shape (JDK 25,
 * BindingSpecializer); a fresh JVM making every kind of call of this module must log exactly one.
 */
class DowncallShapeTest {
    private static final String STUB = "jdk.internal.foreign.abi.DowncallStub";
    private final Children children = new Children();

    @TempDir
    Path dir;

    @AfterEach
    void reapLeftovers() {
        children.close();
    }

    @Test
    void everyNativeCallOfTheModuleSharesOneDowncallShape() throws IOException {
        Path log = dir.resolve("class-load.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        int pid = children.spawn(java, List.of("java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-Xlog:class+load=info:file=" + log,
                "-cp", System.getProperty("java.class.path"), EveryNativeCall.class.getName(), dir.toString()),
                Children.ENV, Map.of());
        assertEquals(0, children.waitFor(pid).shellCode(), "EveryNativeCall failed; see its stderr above");

        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.stream().anyMatch(l -> l.contains(" dev.berth.linux.Spawn ")), "the log covers the run");
        List<String> stubs = lines.stream().filter(l -> l.contains(STUB)).toList();
        assertEquals(1, stubs.size(), "downcall shapes bound: " + stubs);
    }
}
