package dev.berth.cli.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.image.service.BusyboxRootfs;
import dev.berth.image.service.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/berth's docker flags on local images, in-process against a --root of the test's own:
 * images --format (template, table, json) and --filter, image inspect -f and with missing images,
 * rmi --no-prune, save by ID and load -q. Each test starts from busybox imported as busybox:t and
 * tagged busybox:u and other/app:1.
 */
class BerthFormatIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static Path busyboxTar;

    @TempDir
    Path tmp;
    Path root;
    String id;

    @BeforeAll
    static void busybox() throws Exception {
        busyboxTar = BusyboxRootfs.writeTar(shared.resolve("busybox.tar"));
    }

    @BeforeEach
    void images() {
        root = tmp.resolve("berth-root");
        berth("image", "import", "--change", "CMD [\"sh\",\"-c\",\"echo hi\"]", busyboxTar.toString(), "busybox:t")
                .ok();
        berth("tag", "busybox:t", "busybox:u").ok();
        berth("tag", "busybox:t", "other/app:1").ok();
        id = berth("images", "-q").ok().out().strip();
    }

    BerthRun berth(String... args) {
        return BerthRun.withRoot(root, args);
    }

    private List<String> sortedLines(String... args) {
        return berth(args).ok().lines().stream().sorted().toList();
    }

    @Test
    void imagesFormatsATemplateATableOrJsonPerName() throws Exception {
        assertTrue(id.matches("[0-9a-f]{12}"), id);
        assertEquals(List.of("busybox:t " + id, "busybox:u " + id, "other/app:1 " + id),
                sortedLines("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"));

        List<String> table = berth("images", "--format", "table {{.Repository}}\\t{{.Tag}}").ok().lines();
        assertEquals("REPOSITORY   TAG", table.getFirst(), "docker's column names, each column at least 10 wide");
        assertEquals(List.of("busybox      t", "busybox      u", "other/app    1"),
                table.stream().skip(1).sorted().toList());

        String size = JSON.readTree(berth("image", "inspect", "busybox:t").ok().out()).get(0).get("Size").asText();
        List<String> json = berth("images", "--format", "json").ok().lines();
        assertEquals(3, json.size(), json.toString());
        for (String line : json) {
            assertTrue(line.contains("\"Digest\":\"\\u003cnone\\u003e\""), "json.Marshal escapes < and >: " + line);
            JsonNode row = JSON.readTree(line);
            assertEquals(List.of("Containers", "CreatedAt", "CreatedSince", "Digest", "ID", "Repository", "SharedSize",
                    "Size", "Tag", "UniqueSize", "VirtualSize"),
                    row.properties().stream().map(Map.Entry::getKey).toList());
            assertEquals(id, row.get("ID").asText());
            assertEquals(Sizes.human(Long.parseLong(size)), row.get("Size").asText());
            assertTrue(row.get("CreatedSince").asText().endsWith(" ago"), line);
            row.forEach(value -> assertTrue(value.isTextual(), "every field is a string, as docker's: " + line));
        }
        assertEquals(List.of("sha256:"), berth("images", "--digests", "--format", "{{truncate .Digest 7}}").ok().lines()
                .stream().distinct().toList(), "the digest is shown when asked for");
    }

    @Test
    void imagesFiltersByReferenceGlobAndDangling() {
        assertEquals(List.of("busybox:t", "busybox:u"),
                sortedLines("images", "--filter", "reference=busy*", "--format", "{{.Repository}}:{{.Tag}}"));
        assertEquals(List.of("busybox:u", "other/app:1"), sortedLines("images", "-f", "reference=*:u",
                "-f", "reference=*/*", "--format", "{{.Repository}}:{{.Tag}}"), "several patterns: any of them");
        assertEquals(List.of("busybox:t", "busybox:u"), sortedLines("images", "busybox", "--format",
                "{{.Repository}}:{{.Tag}}"), "the REPOSITORY argument matches the repository of any tag");
        assertEquals(List.of("REPOSITORY   TAG       IMAGE ID   CREATED   SIZE"),
                berth("images", "--filter", "dangling=true").ok().lines(), "berth keeps no image without a name");
        assertEquals(3, berth("images", "-q", "--no-trunc", "--filter", "dangling=false", "--format", "{{.ID}}")
                .ok().lines().size(), "-q gives way to --format, as in docker");

        BerthRun unknown = berth("images", "--filter", "label=x");
        assertEquals(2, unknown.code(), unknown::toString);
        assertEquals("berth: invalid filter 'label' (berth supports reference=PATTERN and dangling=true|false)\n",
                unknown.err());
        BerthRun badTemplate = berth("images", "--format", "{{.Repository}");
        assertEquals(2, badTemplate.code(), badTemplate::toString);
        assertEquals("berth: template parsing error: template: 1:13: bad character U+007D '}'\n", badTemplate.err());
        assertEquals("", badTemplate.out());
    }

    @Test
    void inspectFormatsEachImageAndReportsTheMissingOnes() throws Exception {
        JsonNode inspected = JSON.readTree(berth("image", "inspect", "busybox:t").ok().out()).get(0);
        String line = inspected.get("Id").asText() + " [\"sh\",\"-c\",\"echo hi\"] " + inspected.get("Size").asLong()
                + " " + inspected.get("Os").asText() + "\n";
        String format = "{{.Id}} {{json .Config.Cmd}} {{.Size}} {{.Os}}";
        assertEquals(line, berth("image", "inspect", "-f", format, "busybox:t").ok().out());
        assertEquals(inspected, JSON.readTree(berth("image", "inspect", "--format", "json", "busybox:t").ok().out())
                .get(0), "json: the same array");
        assertEquals(1, berth("image", "inspect", "--format", "json", "busybox:t").ok().lines().size(),
                "on one line");

        BerthRun some = berth("image", "inspect", "-f", "{{.Id}}", "busybox:t", "nosuch:1", "other/app:1");
        assertEquals(1, some.code(), some::toString);
        assertEquals(inspected.get("Id").asText() + "\n" + inspected.get("Id").asText() + "\n", some.out(),
                "what exists is printed");
        assertEquals("berth: no such image: nosuch:1\n", some.err());

        BerthRun array = berth("image", "inspect", "nosuch:1", "busybox:u");
        assertEquals(1, array.code(), array::toString);
        assertEquals(1, JSON.readTree(array.out()).size(), array.out());
        BerthRun none = berth("image", "inspect", "nosuch:1");
        assertEquals("[]\n", none.out(), "docker prints an empty array");
        assertEquals(1, none.code());

        BerthRun failing = berth("image", "inspect", "-f", "{{index .RepoTags 9}}", "busybox:t");
        assertEquals(1, failing.code(), failing::toString);
        assertEquals("berth: template parsing error: template: 1:2: executing <index .RepoTags 9>: "
                + "error calling index: index out of range: 9\n", failing.err());
    }

    @Test
    void rmiNoPruneOnlyUntagsUntilPrune() {
        Path content = root.resolve("content");
        Map<String, String> before = FileTrees.of(content);
        for (String name : List.of("busybox:t", "busybox:u")) {
            assertEquals("Untagged: " + name + "\n", berth("rmi", "--no-prune", name).ok().out());
        }
        assertEquals("Untagged: other/app:1\n", berth("rmi", "--no-prune", "other/app:1").ok().out());
        assertEquals("", berth("images", "-q").ok().out());
        assertEquals(before, FileTrees.of(content), "no blob was deleted");
        List<String> pruned = berth("image", "prune").ok().lines();
        assertEquals(3, pruned.stream().filter(l -> l.startsWith("deleted: sha256:")).count(), pruned.toString());
    }

    @Test
    void saveByIdKeepsTheNamesAndQuietLoadPrintsNothing() throws Exception {
        Path saved = tmp.resolve("by-id.tar");
        assertEquals("", berth("save", "-o", saved.toString(), id).ok().out());
        assertTrue(Files.size(saved) > 0);
        for (String name : List.of("busybox:t", "busybox:u", "other/app:1")) {
            berth("rmi", name).ok();
        }
        assertEquals("", berth("load", "-q", "-i", saved.toString()).ok().out());
        assertEquals(List.of("busybox:t " + id, "busybox:u " + id, "other/app:1 " + id),
                sortedLines("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"),
                "an ID stands for every name of its image");
    }
}
