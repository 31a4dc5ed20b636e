package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.runtime.ContainerState;
import dev.berth.runtime.ContainerStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exact bytes runc's Go code prints for the same state (json.MarshalIndent, Encoder, tabwriter). */
class OutputFormatTest {
    private static final ContainerState RUNNING = new ContainerState("1.2.0", "web", ContainerStatus.RUNNING,
            4242, Path.of("/b/web"), Path.of("/b/web/rootfs"), Instant.parse("2024-05-06T07:08:09.123450Z"),
            "root", Map.of("z.key", "last", "a.key", "<first> & \"quoted\""));
    private static final ContainerState STOPPED = new ContainerState("1.2.0", "a-much-longer-container-id",
            ContainerStatus.STOPPED, 0, Path.of("/b/x"), Path.of("/b/x/rootfs"),
            Instant.parse("2024-05-06T07:08:09Z"), "", Map.of());

    @Test
    void stateIsMarshalIndentWithTwoSpacesAndNoTrailingNewline() {
        String expected = """
                {
                  "ociVersion": "1.2.0",
                  "id": "web",
                  "pid": 4242,
                  "status": "running",
                  "bundle": "/b/web",
                  "rootfs": "/b/web/rootfs",
                  "created": "2024-05-06T07:08:09.12345Z",
                  "annotations": {
                    "a.key": "\\u003cfirst\\u003e \\u0026 \\"quoted\\"",
                    "z.key": "last"
                  },
                  "owner": ""
                }""";
        assertEquals(expected, StateJson.indented(RUNNING));
    }

    @Test
    void stateWithoutAnnotationsOmitsThem() {
        String expected = """
                {
                  "ociVersion": "1.2.0",
                  "id": "a-much-longer-container-id",
                  "pid": 0,
                  "status": "stopped",
                  "bundle": "/b/x",
                  "rootfs": "/b/x/rootfs",
                  "created": "2024-05-06T07:08:09Z",
                  "owner": ""
                }""";
        assertEquals(expected, StateJson.indented(STOPPED));
    }

    @Test
    void listJsonIsACompactArrayThatParses() throws Exception {
        String json = StateJson.compactList(List.of(RUNNING, STOPPED));
        assertEquals("[{\"ociVersion\":\"1.2.0\",\"id\":\"web\",\"pid\":4242,\"status\":\"running\","
                + "\"bundle\":\"/b/web\",\"rootfs\":\"/b/web/rootfs\",\"created\":\"2024-05-06T07:08:09.12345Z\","
                + "\"annotations\":{\"a.key\":\"\\u003cfirst\\u003e \\u0026 \\\"quoted\\\"\",\"z.key\":\"last\"},"
                + "\"owner\":\"root\"},", json.substring(0, json.indexOf("},{") + 2));
        JsonNode parsed = new ObjectMapper().readTree(json);
        assertEquals(2, parsed.size());
        assertEquals("<first> & \"quoted\"", parsed.get(0).path("annotations").path("a.key").asText());
        assertEquals("a-much-longer-container-id", parsed.get(1).path("id").asText());
        assertEquals("null\n", StateJson.compactList(List.of()));
    }

    @Test
    void listTableIsTabwriterAligned() {
        // minwidth 12, padding 3: "a-much-longer-container-id" (26) makes the ID column 29 wide.
        String expected = ""
                + "ID                           PID         STATUS      BUNDLE      CREATED                      OWNER\n"
                + "web                          4242        running     /b/web      2024-05-06T07:08:09.12345Z   root\n"
                + "a-much-longer-container-id   0           stopped     /b/x        2024-05-06T07:08:09Z         \n";
        assertEquals(expected, ListCommand.table(List.of(RUNNING, STOPPED)));
    }

    @Test
    void timesAreGoRfc3339Nano() {
        assertEquals("2024-01-01T00:00:00Z", GoJson.time(Instant.parse("2024-01-01T00:00:00Z")));
        assertEquals("2024-01-01T00:00:00.1Z", GoJson.time(Instant.parse("2024-01-01T00:00:00.100Z")));
        assertEquals("2024-01-01T00:00:00.000000001Z", GoJson.time(Instant.parse("2024-01-01T00:00:00.000000001Z")));
        assertEquals("2024-01-01T00:00:00.12345678Z", GoJson.time(Instant.parse("2024-01-01T00:00:00.123456780Z")));
    }

    @Test
    void goStringEscaping() {
        assertEquals("\"a\\\\b\\n\\t\\u0001\\u2028\\u003c/x\\u003e\"", GoJson.quote("a\\b\n\t\u0001\u2028</x>"));
        assertEquals("\"é ✓\"", GoJson.quote("é ✓"));
    }

    @Test
    void logLinesInBothFormats() {
        Instant when = Instant.parse("2024-01-01T00:00:00.987Z");
        LogOutput.configure(null, LogOutput.Format.JSON, false, System.err);
        assertEquals("{\"level\":\"error\",\"msg\":\"a \\\"b\\\"\\n\",\"time\":\"2024-01-01T00:00:00Z\"}",
                LogOutput.current().format(System.Logger.Level.ERROR, "a \"b\"\n", when));
        LogOutput.configure(null, LogOutput.Format.TEXT, false, System.err);
        assertEquals("time=\"2024-01-01T00:00:00Z\" level=warning msg=\"a \\\"b\\\"\\n\\x01\"",
                LogOutput.current().format(System.Logger.Level.WARNING, "a \"b\"\n\u0001", when));
    }
}
