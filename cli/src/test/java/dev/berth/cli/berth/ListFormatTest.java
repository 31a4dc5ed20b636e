package dev.berth.cli.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `images --format` and `--filter` without images: docker's table layout, json lines, globs and dates. */
class ListFormatTest {
    private static ObjectNode row(String repository, String tag, String id, String created, String size) {
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        row.put("Containers", "N/A");
        row.put("CreatedAt", "2024-05-01 10:00:00 +0000 UTC");
        row.put("CreatedSince", created);
        row.put("Digest", "<none>");
        row.put("ID", id);
        row.put("Repository", repository);
        row.put("SharedSize", "N/A");
        row.put("Size", size);
        row.put("Tag", tag);
        row.put("UniqueSize", "N/A");
        row.put("VirtualSize", size);
        return row;
    }

    private static String print(String format, List<ObjectNode> rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ListFormat.of(format).print(new PrintStream(bytes, true, StandardCharsets.UTF_8), rows,
                ImageListCommand.header());
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDefaultTableIsDockersByteForByte() {
        // docker images, as docker 24 prints it for busybox (tabwriter minwidth 10, padding 3).
        String expected = """
                REPOSITORY   TAG       IMAGE ID       CREATED       SIZE
                busybox      latest    a416a98b71e2   4 weeks ago   4.26MB
                """;
        assertEquals(expected, print(ImageListCommand.DEFAULT_TABLE,
                List.of(row("busybox", "latest", "a416a98b71e2", "4 weeks ago", "4.26MB"))));
        assertEquals("REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n",
                print(ImageListCommand.DEFAULT_TABLE, List.of()),
                "no images: the header alone, each column at least 10 wide");
        assertEquals("REPOSITORY   TAG       IMAGE ID       CREATED   SIZE\n"
                + "x            1         a416a98b71e2   N/A       1B\n",
                print(ImageListCommand.DEFAULT_TABLE, List.of(row("x", "1", "a416a98b71e2", "", "1B"))),
                "an unknown date is N/A, by the default template's own {{if}}");
    }

    @Test
    void aTableTemplateGetsDockersHeaderAndItsEscapes() {
        List<ObjectNode> rows = List.of(row("busybox", "1.36", "a416a98b71e2", "x", "1B"),
                row("127.0.0.1:5000/app", "latest", "b416a98b71e2", "x", "1B"));
        assertEquals("""
                REPOSITORY           TAG
                busybox              1.36
                127.0.0.1:5000/app   latest
                """, print("table {{.Repository}}\\t{{.Tag}}", rows), "\\t as typed in a shell is a tab");
        assertEquals("REPOSITORY:TAG" + " ".repeat(14) + "SIZE\n" + "busybox:1.36" + " ".repeat(16) + "1B\n"
                + "127.0.0.1:5000/app:latest   1B\n", print("table {{.Repository}}:{{lower .Tag}}\\t{{.Size}}", rows),
                "the header row applies docker's header functions: lower keeps \"TAG\"");
        assertEquals("busybox/1.36\n127.0.0.1:5000/app/latest\n", print("{{.Repository}}/{{.Tag}}", rows),
                "without table: no header, one line per row");
        assertEquals("a\nb\n\n", print("  {{if eq .Tag \"1.36\"}}a{{else}}b\\n{{end}}  ", rows),
                "spaces around the format are trimmed, \\n is a newline; each row still ends with one");
    }

    @Test
    void jsonIsOneMarshalledObjectPerRow() {
        String line = print("json", List.of(row("busybox", "latest", "a416a98b71e2", "4 weeks ago", "4.26MB")));
        assertEquals("{\"Containers\":\"N/A\",\"CreatedAt\":\"2024-05-01 10:00:00 +0000 UTC\",\"CreatedSince\":"
                + "\"4 weeks ago\",\"Digest\":\"\\u003cnone\\u003e\",\"ID\":\"a416a98b71e2\",\"Repository\":\"busybox\","
                + "\"SharedSize\":\"N/A\",\"Size\":\"4.26MB\",\"Tag\":\"latest\",\"UniqueSize\":\"N/A\","
                + "\"VirtualSize\":\"4.26MB\"}\n", line, "json.Marshal's sorted keys and HTML escaping, as docker 24");
    }

    @Test
    void digestsAddTheirColumnToACustomTableOnlyIfItLacksIt() {
        assertEquals(ImageListCommand.DEFAULT_TABLE_WITH_DIGEST, ImageListCommand.chosenFormat("table", true));
        assertEquals(ImageListCommand.DEFAULT_TABLE, ImageListCommand.chosenFormat(null, false));
        assertEquals("table {{.ID}}\t{{.Digest}}", ImageListCommand.chosenFormat("table {{.ID}}", true));
        assertEquals("table {{.Digest}}", ImageListCommand.chosenFormat("table {{.Digest}}", true));
        assertEquals("{{.ID}}", ImageListCommand.chosenFormat("{{.ID}}", true));
    }

    @Test
    void tabwriterColumnsEndWhereALineHasFewerCells() {
        assertEquals("aaaaaaaaaaaaa   b\nno tabs\nc         d\n", Tables.align("aaaaaaaaaaaaa\tb\nno tabs\nc\td\n"));
        assertEquals("a         b         c\nxx        \n", Tables.align("a\tb\tc\nxx\t\n"),
                "a cell ended by a tab is padded even when nothing follows it");
        assertEquals("ä         b", Tables.align("ä\tb"), "widths count characters, not bytes");
    }

    @Test
    void referenceFiltersAreGoGlobsOnFamiliarNames() {
        ImageFilters busy = ImageFilters.parse(List.of("reference=busy*"), null);
        assertTrue(busy.keepsName("docker.io/library/busybox:latest"));
        assertFalse(busy.keepsName("docker.io/library/alpine:latest"));
        ImageFilters tagged = ImageFilters.parse(List.of("reference=*:1.3?"), null);
        assertTrue(tagged.keepsName("docker.io/library/busybox:1.36"));
        assertFalse(tagged.keepsName("docker.io/library/busybox:1.4"));
        assertFalse(tagged.keepsName("127.0.0.1:5000/busybox:1.36"), "'*' does not match '/'");
        ImageFilters local = ImageFilters.parse(List.of("reference=127.0.0.1:5000/*"), null);
        assertTrue(local.keepsName("127.0.0.1:5000/app:1"));
        assertFalse(local.keepsName("127.0.0.1:5000/team/app:1"));
        ImageFilters either = ImageFilters.parse(List.of("reference=alpine", "reference=[ab]usybox:lates[^a-s]"), null);
        assertTrue(either.keepsName("docker.io/library/alpine:3"), "the repository alone matches");
        assertTrue(either.keepsName("docker.io/library/busybox:latest"));
        assertFalse(either.keepsName("docker.io/library/busybox:1"));
        assertTrue(ImageFilters.parse(List.of(), "docker.io/library/busybox").keepsName("docker.io/library/busybox:1"),
                "the REPOSITORY argument is a pattern too, also matched against the full name");
        assertTrue(ImageFilters.glob("a\\*b").matcher("a*b").matches(), "a backslash escapes");
        assertFalse(ImageFilters.glob("a\\*b").matcher("axb").matches());
    }

    @Test
    void danglingFilters() {
        assertFalse(ImageFilters.parse(List.of("dangling=true"), null).keepsImage(false));
        assertTrue(ImageFilters.parse(List.of("dangling=true"), null).keepsImage(true));
        assertTrue(ImageFilters.parse(List.of("dangling=0"), null).keepsImage(false));
        assertFalse(ImageFilters.parse(List.of("reference=x"), null).keepsImage(true), "no name, nothing to match");
    }

    @Test
    void badFiltersAreRefusedByName() {
        assertEquals("invalid filter 'dangling=maybe'", refused("dangling=maybe"));
        assertEquals("invalid filter 'before' (berth supports reference=PATTERN and dangling=true|false)",
                refused("before=busybox"));
        assertEquals("bad format of filter 'reference' (expected name=value)", refused("reference"));
        assertEquals("reference filter 'a[': syntax error in pattern", refused("reference=a["));
        assertEquals("reference filter '[]a]': syntax error in pattern", refused("reference=[]a]"));
        assertEquals("reference filter 'a\\': syntax error in pattern", refused("reference=a\\"));
    }

    private static String refused(String filter) {
        return assertThrows(IllegalArgumentException.class, () -> ImageFilters.parse(List.of(filter), null))
                .getMessage();
    }

    @Test
    void createdAtIsGosTimeStringInTheLocalZone() {
        String created = "2024-05-01T08:00:00.123456789Z";
        assertEquals("2024-05-01 08:00:00 +0000 UTC", ImageListCommand.createdAt(created, ZoneOffset.UTC));
        assertEquals("2024-05-01 08:00:00 +0000 UTC", ImageListCommand.createdAt(created, ZoneId.of("Etc/UTC")));
        assertEquals("2024-05-01 10:00:00 +0200 CEST", ImageListCommand.createdAt(created, ZoneId.of("Europe/Berlin")));
        assertEquals("2024-05-01 13:30:00 +0530 +0530",
                ImageListCommand.createdAt(created, ZoneOffset.ofHoursMinutes(5, 30)));
        assertEquals("N/A", ImageListCommand.createdAt(null, ZoneOffset.UTC));
        assertEquals("N/A", ImageListCommand.createdAt("last tuesday", ZoneOffset.UTC));
    }

    @Test
    void virtualSizeHasFourSignificantDigits() {
        assertEquals("4.261MB", Sizes.human(4_261_376, 4));
        assertEquals("4.26MB", Sizes.human(4_261_376));
    }
}
