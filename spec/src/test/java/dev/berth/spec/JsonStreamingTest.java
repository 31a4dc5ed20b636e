package dev.berth.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming half of {@link Json} and {@link JsonInput}, as the runtime uses them for its state file. */
class JsonStreamingTest {

    /** Shaped like the runtime's state file. */
    record State(String id, Integer pid, Instant created, Map<String, String> annotations, List<Item> items) {
    }

    record Item(String name, Long size) {
    }

    static State readState(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String id = null;
        Integer pid = null;
        Instant created = null;
        Map<String, String> annotations = null;
        List<Item> items = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "id" -> id = in.string();
                case "pid" -> pid = in.int32();
                case "created" -> created = instant(in);
                case "annotations" -> annotations = in.stringMap();
                case "items" -> items = in.list(JsonStreamingTest::readItem);
                default -> in.skipValue();
            }
        }
        return new State(id, pid, created, annotations, items);
    }

    static Item readItem(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String name = null;
        Long size = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "name" -> name = in.string();
                case "size" -> size = in.uint64();
                default -> in.skipValue();
            }
        }
        return new Item(name, size);
    }

    static Instant instant(JsonInput in) throws IOException {
        String text = in.string();
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeException e) {
            throw in.mismatch("an RFC 3339 time");
        }
    }

    static void writeState(State state, JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("id", state.id());
        out.writeNumberField("pid", state.pid());
        out.writeStringField("created", state.created().toString());
        out.writeEndObject();
    }

    private static final State STATE = new State("c1", 42, Instant.parse("2024-05-01T10:15:30.123456789Z"), null, null);

    @Test
    void writesWhatDataBindingWroteAndReadsItBack(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.json");

        Json.writeAtomically(file, out -> writeState(STATE, out));

        assertEquals("{\"id\":\"c1\",\"pid\":42,\"created\":\"2024-05-01T10:15:30.123456789Z\"}", Files.readString(file));
        assertEquals(STATE, Json.read(file, JsonStreamingTest::readState));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of(file), list(dir));
    }

    @Test
    void aStaleTemporaryFileIsReplacedNotReused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.json");
        Path stale = Files.writeString(dir.resolve("state.json.tmp"), "left by a crash, and longer than the new content");
        Files.setPosixFilePermissions(stale, PosixFilePermissions.fromString("rw-rw-rw-"));

        Json.writeAtomically(file, out -> writeState(STATE, out));

        assertEquals(STATE, Json.read(file, JsonStreamingTest::readState));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of(file), list(dir));
    }

    @Test
    void aSymlinkAtTheTemporaryNameIsNotFollowed(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.json");
        Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "untouched");
        Files.createSymbolicLink(dir.resolve("state.json.tmp"), elsewhere);

        Json.writeAtomically(file, out -> writeState(STATE, out));

        assertEquals("untouched", Files.readString(elsewhere));
        assertFalse(Files.isSymbolicLink(file));
        assertEquals(STATE, Json.read(file, JsonStreamingTest::readState));
    }

    @Test
    void aFailingWriterLeavesTheOldFileAndNoTemporary(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("state.json"), "{\"id\":\"old\"}");

        IOException e = assertThrows(IOException.class, () -> Json.writeAtomically(file, out -> {
            out.writeStartObject();
            throw new IOException("no pid yet");
        }));

        assertEquals("no pid yet", e.getMessage());
        assertEquals("{\"id\":\"old\"}", Files.readString(file));
        assertEquals(List.of(file), list(dir));
    }

    @Test
    void errorsNameTheFileAndTheField(@TempDir Path dir) throws IOException {
        Path wrongType = Files.writeString(dir.resolve("a.json"), "{\"id\": \"c1\", \"pid\": \"forty-two\"}");
        Path badTime = Files.writeString(dir.resolve("b.json"), "{\"created\": \"yesterday\"}");
        Path deep = Files.writeString(dir.resolve("c.json"), "{\"items\": [{\"name\": \"a\"}, {\"size\": -1}]}");
        Path torn = Files.writeString(dir.resolve("d.json"), "{\"id\": \"c1\", \"pi");

        assertEquals(wrongType + ": pid: expected an integer, got \"forty-two\"", readFails(wrongType));
        assertEquals(badTime + ": created: expected an RFC 3339 time, got \"yesterday\"", readFails(badTime));
        assertEquals(deep + ": items[1].size: expected an unsigned 64-bit integer (0 to 18446744073709551615), got -1",
                readFails(deep));
        assertTrue(readFails(torn).startsWith(torn + ": malformed JSON at line 1, column "), readFails(torn));
        assertThrows(NoSuchFileException.class, () -> Json.read(dir.resolve("gone.json"), JsonStreamingTest::readState));
    }

    @Test
    void mapKeysAreQuotedInPathsAndUnknownFieldsSkipped() throws IOException {
        IOException e = assertThrows(IOException.class, () -> Json.parse(
                "{\"x\": {\"annotations\": 1}, \"annotations\": {\"a.b\": \"ok\", \"c\\\"d\": [\"no\"]}}",
                JsonStreamingTest::readState));

        assertEquals("annotations[\"c\\\"d\"]: expected a string, got an array", e.getMessage());
        assertEquals(Map.of("a.b", "ok"), Json.parse("{\"annotations\": {\"a.b\": \"ok\"}, \"u\": [{}]}",
                JsonStreamingTest::readState).annotations());
    }

    @Test
    void theTopLevelValueMustBeAnObject() {
        assertEquals("expected an object, got an array", parseFails("[]"));
        assertEquals("expected an object, got null", parseFails("null"));
        assertEquals("expected an object, got end of input", parseFails(" "));
    }

    @Test
    void parserAndGeneratorAreJacksonStreamingOnly(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = Json.generator(bytes)) {
            out.writeStartArray();
            out.writeString("é");
            out.writeNumber(Long.MAX_VALUE);
            out.writeEndArray();
        }
        assertEquals("[\"é\",9223372036854775807]", bytes.toString(StandardCharsets.UTF_8));

        Path file = Files.write(dir.resolve("f.json"), bytes.toByteArray());
        try (JsonParser parser = Json.parser(file)) {
            assertEquals(JsonToken.START_ARRAY, parser.nextToken());
            assertEquals(JsonToken.VALUE_STRING, parser.nextToken());
            assertEquals("é", parser.getText());
        }
    }

    private static String readFails(Path file) {
        return assertThrows(IOException.class, () -> Json.read(file, JsonStreamingTest::readState)).getMessage();
    }

    private static String parseFails(String json) {
        return assertThrows(IOException.class, () -> Json.parse(json, JsonStreamingTest::readState)).getMessage();
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        }
    }
}
