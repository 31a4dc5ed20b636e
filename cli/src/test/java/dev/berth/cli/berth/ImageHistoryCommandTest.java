package dev.berth.cli.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.image.service.HistoryEntry;
import dev.berth.image.store.Digest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** image history's rows as docker's history formatter shows them. */
class ImageHistoryCommandTest {
    private static final Instant NOW = Instant.parse("2025-06-15T12:00:00Z");
    private static final Digest ID = Digest.parse("sha256:" + "0123456789ab".repeat(5) + "cdef");
    private static final String LONG = "/bin/sh -c apt-get update\t&& apt-get install -y curl && rm -rf /var/lib/apt";

    private static final HistoryEntry TOP = new HistoryEntry(ID, "2025-06-15T10:59:59.5Z", "CMD [\"sh\"]",
            "buildkit.dockerfile.v0", true, 0);
    private static final HistoryEntry RUN = new HistoryEntry(null, "2025-06-12T10:00:00Z", LONG, null, false, 4_261_376);

    @Test
    void rowsAsDockerShowsThem() {
        ObjectNode top = ImageHistoryCommand.row(TOP, false, NOW, ZoneOffset.UTC);
        assertEquals("0123456789ab", top.get("ID").asText());
        assertEquals("About an hour ago", top.get("CreatedSince").asText());
        assertEquals("2025-06-15T10:59:59Z", top.get("CreatedAt").asText(), "RFC 3339, whole seconds");
        assertEquals("0B", top.get("Size").asText(), "an empty_layer step");
        assertEquals("buildkit.dockerfile.v0", top.get("Comment").asText());

        ObjectNode run = ImageHistoryCommand.row(RUN, false, NOW, ZoneId.of("Europe/Berlin"));
        assertEquals("<missing>", run.get("ID").asText());
        assertEquals("3 days ago", run.get("CreatedSince").asText());
        assertEquals("2025-06-12T12:00:00+02:00", run.get("CreatedAt").asText(), "in the local zone");
        assertEquals("/bin/sh -c apt-get update && apt-get install…", run.get("CreatedBy").asText(),
                "tabs are spaces, and 45 columns at most, the last an ellipsis");
        assertEquals(45, run.get("CreatedBy").asText().codePointCount(0, run.get("CreatedBy").asText().length()));
        assertEquals("4.26MB", run.get("Size").asText());
        assertEquals("", run.get("Comment").asText());
        assertEquals(List.of("Comment", "CreatedAt", "CreatedBy", "CreatedSince", "ID", "Size"), names(run),
                "sorted, as json.Marshal writes docker's row");
    }

    @Test
    void noTruncShowsTheWholeIdAndCommand() {
        ObjectNode top = ImageHistoryCommand.row(TOP, true, NOW, ZoneOffset.UTC);
        assertEquals(ID.toString(), top.get("ID").asText());
        ObjectNode run = ImageHistoryCommand.row(RUN, true, NOW, ZoneOffset.UTC);
        assertEquals(LONG.replace('\t', ' '), run.get("CreatedBy").asText());
        assertEquals("<missing>", run.get("ID").asText());
    }

    @Test
    void unknownDatesAreNotApplicable() {
        ObjectNode row = ImageHistoryCommand.row(new HistoryEntry(null, null, null, null, false, 1), false, NOW,
                ZoneOffset.UTC);
        assertEquals("N/A", row.get("CreatedAt").asText());
        assertEquals("N/A", row.get("CreatedSince").asText());
        assertEquals("", row.get("CreatedBy").asText());
        assertEquals("N/A", ImageHistoryCommand.createdAt("yesterday", ZoneOffset.UTC));
    }

    @Test
    void ellipsisCountsCodePoints() {
        assertEquals("abc", ImageHistoryCommand.ellipsis("abc", 3));
        assertEquals("ab…", ImageHistoryCommand.ellipsis("abcd", 3));
        assertEquals("é😀…", ImageHistoryCommand.ellipsis("é😀xyz", 3));
    }

    @Test
    void theDefaultTableIsDockers() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<ObjectNode> rows = List.of(ImageHistoryCommand.row(TOP, false, NOW, ZoneOffset.UTC),
                ImageHistoryCommand.row(RUN, false, NOW, ZoneOffset.UTC));
        ListFormat.of(ImageHistoryCommand.DEFAULT_TABLE).print(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                rows, ImageHistoryCommand.header());
        assertEquals("""
                IMAGE          CREATED             CREATED BY                                      SIZE      COMMENT
                0123456789ab   About an hour ago   CMD ["sh"]                                      0B        buildkit.dockerfile.v0
                <missing>      3 days ago          /bin/sh -c apt-get update && apt-get install…   4.26MB    \n""",
                bytes.toString(StandardCharsets.UTF_8));
    }

    private static List<String> names(ObjectNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
