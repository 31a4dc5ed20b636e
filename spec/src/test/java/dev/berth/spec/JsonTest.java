package dev.berth.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {

    /** Shaped like the runtime's state file. */
    record State(String id, int pid, Path bundle, Instant created, Map<String, String> annotations) {
    }

    @Test
    void writeAtomicallyReplacesTheFileAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.json");
        Files.writeString(file, "old content that is longer than the new one");
        State state = new State("c1", 42, Path.of("/bundles/c1"), Instant.parse("2024-05-01T10:15:30.123456789Z"), null);

        Json.writeAtomically(file, state);

        assertEquals("{\"id\":\"c1\",\"pid\":42,\"bundle\":\"/bundles/c1\",\"created\":\"2024-05-01T10:15:30.123456789Z\"}",
                Files.readString(file));
        try (Stream<Path> entries = Files.list(dir)) {
            assertEquals(List.of(file), entries.toList());
        }
        assertEquals(state, Json.read(file, State.class));
    }

    @Test
    void writeAtomicallyCreatesAMissingFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("new.json");

        Json.writeAtomically(file, Map.of("a", 1));

        assertEquals("{\"a\":1}", Files.readString(file));
    }

    @Test
    void writeAtomicallyFailsWhenTheDirectoryIsMissing(@TempDir Path dir) {
        assertThrows(NoSuchFileException.class, () -> Json.writeAtomically(dir.resolve("gone/state.json"), Map.of()));
    }

    @Test
    void readingAMissingFileIsNoSuchFile(@TempDir Path dir) {
        assertThrows(NoSuchFileException.class, () -> Json.read(dir.resolve("state.json"), State.class));
    }

    @Test
    void readingBrokenContentNamesTheFileAndField(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("state.json"), "{\"id\": \"c1\", \"pid\": \"forty-two\"}");
        Path truncated = Files.writeString(dir.resolve("torn.json"), "{\"id\": \"c1\", \"pi");

        IOException wrongType = assertThrows(IOException.class, () -> Json.read(file, State.class));
        IOException malformed = assertThrows(IOException.class, () -> Json.read(truncated, State.class));

        assertEquals(file + ": pid: expected an integer, got \"forty-two\"", wrongType.getMessage());
        assertTrue(malformed.getMessage().startsWith(truncated + ": malformed JSON at line 1, column "),
                malformed.getMessage());
    }

    @Test
    void badTimesAndPathsAreTypeErrors() {
        IOException e = assertThrows(IOException.class,
                () -> Json.parse("{\"created\": \"yesterday\"}", State.class));

        assertEquals("created: expected an RFC 3339 time, got \"yesterday\"", e.getMessage());
    }

    @Test
    void readsWholeFilesWhoseSizeReadsAsZero() throws IOException {
        String lastCap = new String(Json.readAllBytes(Path.of("/proc/sys/kernel/cap_last_cap"))).trim();

        assertTrue(Integer.parseInt(lastCap) >= Capability.LAST, "read all of the sysctl, got " + lastCap);
    }

    @Test
    void toJsonIsCompactAndOmitsNulls() {
        assertEquals("{\"id\":\"x\",\"pid\":0}", Json.toJson(new State("x", 0, null, null, null)));
    }
}
