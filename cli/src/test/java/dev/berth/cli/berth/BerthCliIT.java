package dev.berth.cli.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.image.registry.LocalRegistry;
import dev.berth.image.service.BusyboxRootfs;
import dev.berth.image.service.FileTrees;
import dev.berth.image.service.MountTable;
import dev.berth.image.service.Tools;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/berth's image verbs end to end: {@link BerthMain#execute} in-process against a --root of the
 * test's own, Debian's docker-registry on 127.0.0.1, skopeo on the other side, and the bundles
 * berth makes run as containers by bin/berth-runtime (a process of its own, so that the container's
 * stdout can go to a file). Runs in the integration-test phase, after `package` built the CLI.
 */
class BerthCliIT {
    private static final Path BERTH_RUNTIME =
            Path.of(System.getProperty("user.dir")).resolve("../bin/berth-runtime").normalize();
    private static final String CMD = "CMD [\"sh\",\"-c\",\"echo hi\"]";
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    @RegisterExtension
    static final LocalRegistry REGISTRY = new LocalRegistry();

    @TempDir
    static Path shared;
    static Path busyboxTar;

    @TempDir
    Path tmp;
    Path root;

    @BeforeAll
    static void busybox() throws Exception {
        busyboxTar = BusyboxRootfs.writeTar(shared.resolve("busybox.tar"));
    }

    @BeforeEach
    void root() {
        root = tmp.resolve("berth-root");
    }

    @AfterEach
    void nothingMounted() {
        assertEquals(List.of(), MountTable.unmountAllUnder(tmp), "mounts the test left behind");
    }

    /** One bin/berth command line, non-terminal, with --root set. */
    BerthRun berth(String... args) {
        return BerthRun.withRoot(root, args);
    }

    @Test
    void importPushRemovePullThenRunTheMountedAndTheUnpackedBundle() throws Exception {
        BerthRun imported = berth("image", "import", "--change", CMD, busyboxTar.toString(), "busybox:t").ok();
        assertEquals("Loaded image: busybox:t\n", imported.out());
        String name = REGISTRY.registry() + "/busybox:1";

        BerthRun push = berth("push", "busybox:t", name).ok();
        assertEquals("The push refers to repository [" + REGISTRY.registry() + "/busybox]", push.lines().getFirst());
        assertEquals(1, push.lines().stream().filter(l -> l.matches("[0-9a-f]{12}: Pushed")).count(), push.out());
        String pushed = matchAll(Pattern.compile("1: digest: (sha256:[0-9a-f]{64})"), push.lines().getLast());

        BerthRun rmi = berth("rmi", "busybox:t").ok();
        assertEquals("Untagged: busybox:t", rmi.lines().getFirst());
        assertEquals(3, rmi.lines().stream().filter(l -> l.startsWith("Deleted: sha256:")).count(), rmi.out());
        assertEquals("REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n", berth("images").ok().out(),
                "docker's tabwriter: each column at least 10 wide");

        BerthRun pull = berth("pull", name).ok();
        List<String> lines = pull.lines();
        assertEquals("1: Pulling from busybox", lines.getFirst());
        String layer = matchAll(Pattern.compile("([0-9a-f]{12}): Pulling fs layer"), lines.get(1));
        assertEquals(List.of(layer + ": Pulling fs layer", layer + ": Download complete", layer + ": Pull complete"),
                lines.stream().filter(l -> l.startsWith(layer + ": ")).toList(), "one line per state, in order");
        assertTrue(lines.contains("Digest: " + pushed), pull.out());
        assertTrue(lines.contains("Status: Downloaded newer image for " + name), pull.out());
        assertEquals(name, lines.getLast(), "the last line is the full name, as docker pull prints it");

        JsonNode inspect = new ObjectMapper().readTree(berth("image", "inspect", name).ok().out());
        assertEquals(1, inspect.size());
        JsonNode image = inspect.get(0);
        assertEquals(List.of(name), strings(image.get("RepoTags")));
        assertEquals(List.of(REGISTRY.registry() + "/busybox@" + pushed), strings(image.get("RepoDigests")));
        assertEquals(List.of("sh", "-c", "echo hi"), strings(image.get("Config").get("Cmd")));
        assertTrue(image.get("Manifest").get("Layers").get(0).get("digest").asText().startsWith("sha256:" + layer));

        List<String> table = berth("images").ok().lines();
        assertEquals(2, table.size(), table.toString());
        String[] row = table.get(1).split(" {3,}");
        assertEquals(REGISTRY.registry() + "/busybox", row[0]);
        assertEquals("1", row[1]);
        assertEquals(image.get("Id").asText().substring("sha256:".length(), "sha256:".length() + 12), row[2]);
        assertTrue(row[3].endsWith(" ago"), row[3]);
        assertEquals(Sizes.human(image.get("Size").asLong()), row[4]);

        Path mounted = tmp.resolve("mounted/bundle");
        assertEquals(mounted.resolve("rootfs") + "\n", berth("image", "mount", name, mounted.toString()).ok().out());
        try {
            assertEquals(Optional.of("overlay"), MountTable.fsTypeAt(mounted.resolve("rootfs")));
            assertEquals("hi\n", runBundle(mounted));
        } finally {
            berth("image", "unmount", mounted.toString()).ok();
        }
        assertEquals(List.of(), MountTable.under(tmp));

        Path unpacked = tmp.resolve("unpacked/bundle");
        berth("image", "unpack", name, unpacked.toString()).ok();
        assertEquals("hi\n", runBundle(unpacked));
    }

    @Test
    void savedImageIsLoadedBackWithTheSameId() throws Exception {
        berth("image", "import", "--change", CMD, busyboxTar.toString(), "busybox:t").ok();
        String id = berth("images", "-q").ok().out();
        assertTrue(id.matches("[0-9a-f]{12}\n"), id);
        Path saved = tmp.resolve("saved.tar");
        assertEquals("", berth("save", "-o", saved.toString(), "busybox:t").ok().out());
        berth("rmi", "busybox:t").ok();
        assertEquals("", berth("images", "-q").ok().out());

        assertEquals("Loaded image: busybox:t\n", berth("load", "-i", saved.toString()).ok().out());
        assertEquals(id, berth("images", "-q").ok().out());
    }

    @Test
    void exportedTarGoesThroughSkopeoAndSkopeosPushIsPulledWithItsDigest() throws Exception {
        berth("image", "import", "--change", CMD, busyboxTar.toString(), "busybox:t").ok();
        String manifest = new ObjectMapper().readTree(berth("image", "inspect", "busybox:t").ok().out()).get(0)
                .get("Manifest").get("digest").asText();
        Path tar = tmp.resolve("x.tar");
        berth("image", "export", "-o", tar.toString(), "busybox:t").ok();
        Path layout = tmp.resolve("skopeo-layout");
        Tools.run("skopeo", "copy", "oci-archive:" + tar, "oci:" + layout + ":t");
        String copied = new ObjectMapper().readTree(Tools.run("skopeo", "inspect", "oci:" + layout + ":t"))
                .get("Digest").asText();
        assertEquals(manifest, copied, "skopeo read berth's archive and kept its manifest as it was");

        String other = REGISTRY.registry() + "/other:tag";
        Tools.run("skopeo", "copy", "--dest-tls-verify=false", "oci:" + layout + ":t", "docker://" + other);
        String skopeos = Tools.skopeoDigest(other);
        BerthRun pull = berth("pull", other).ok();
        assertTrue(pull.lines().contains("Digest: " + skopeos), pull.out());
        assertEquals(other, pull.lines().getLast());
        assertTrue(DIGEST.matcher(skopeos).matches(), skopeos);
    }

    @Test
    void pushAllTagsThenPullAllTags() throws Exception {
        berth("image", "import", "--change", CMD, busyboxTar.toString(), "busybox:t").ok();
        String repository = REGISTRY.registry() + "/everything";
        berth("tag", "busybox:t", repository + ":2").ok();
        berth("tag", "busybox:t", repository + ":1").ok();
        BerthRun tagged = berth("push", "-a", repository + ":1");
        assertEquals(2, tagged.code(), tagged::toString);
        assertEquals("berth: tag can't be used with --all-tags/-a\n", tagged.err());

        List<String> pushed = berth("push", "--all-tags", repository).ok().lines();
        assertEquals("The push refers to repository [" + repository + "]", pushed.getFirst());
        String digest = matchAll(Pattern.compile("1: digest: (sha256:[0-9a-f]{64})"), pushed.stream()
                .filter(l -> l.startsWith("1: ")).findFirst().orElseThrow());
        assertTrue(pushed.contains("2: digest: " + digest), pushed.toString());
        assertEquals(1, pushed.stream().filter(l -> l.startsWith("The push refers")).count(), "said once");

        berth("rmi", repository + ":1", repository + ":2").ok();
        BerthRun pull = berth("pull", "-a", repository).ok();
        List<String> lines = pull.lines().stream().filter(l -> !l.matches("[0-9a-f]{12}: .*")).toList();
        // Per tag as the registry lists them (docker-registry's order need not be the spec's lexical one).
        List<String> tags = lines.stream().filter(l -> l.endsWith(": Pulling from everything"))
                .map(l -> l.split(":")[0]).toList();
        assertEquals(List.of("1", "2"), tags.stream().sorted().toList(), pull.out());
        assertEquals(List.of(tags.get(0) + ": Pulling from everything", "Digest: " + digest,
                tags.get(1) + ": Pulling from everything", "Digest: " + digest,
                "Status: Downloaded newer image for " + repository, repository), lines,
                "each tag's lines, then one status and the repository, as docker pull -a");
        assertEquals(List.of(repository), berth("pull", "-q", "-a", repository).ok().lines(), "-q: only the name");
        assertEquals(List.of(repository + " 1", repository + " 2", "busybox t"),
                berth("images", "--format", "{{.Repository}} {{.Tag}}").ok().lines().stream().sorted().toList());

        BerthRun withTag = berth("pull", "-a", repository + ":1");
        assertEquals(2, withTag.code(), withTag::toString);
        assertEquals("berth: tag can't be used with --all-tags/-a\n", withTag.err());
        BerthRun missing = berth("pull", "-a", REGISTRY.registry() + "/nothing");
        assertEquals(1, missing.code(), missing::toString);
        assertTrue(missing.err().contains("/v2/nothing/tags/list: 404"), missing.err());
    }

    @Test
    void pullOfAMissingTagFailsWithTheRegistrysStatus() throws Exception {
        berth("image", "import", busyboxTar.toString(), "base:1").ok();
        Map<String, String> before = FileTrees.of(root);
        BerthRun pull = berth("pull", REGISTRY.registry() + "/nothing:nope");
        assertEquals(1, pull.code(), pull::toString);
        assertTrue(pull.err().startsWith("berth: ") && pull.err().contains(" 404 "), pull.err());
        assertTrue(pull.err().contains("/v2/nothing/manifests/nope"), pull.err());
        assertEquals(before, FileTrees.of(root), "a failed pull changes nothing in the store");
    }

    @Test
    void pullFromAPortWhereNothingListensFailsClearlyAndChangesNothing() throws Exception {
        berth("image", "import", busyboxTar.toString(), "base:1").ok();
        Map<String, String> before = FileTrees.of(root);
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        BerthRun pull = berth("pull", "127.0.0.1:" + port + "/busybox:1");
        assertEquals(1, pull.code(), pull::toString);
        assertTrue(pull.err().startsWith("berth: ") && pull.err().contains("127.0.0.1:" + port), pull.err());
        assertTrue(pull.err().contains("connection refused: nothing listens at 127.0.0.1:" + port), pull.err());
        assertEquals(before, FileTrees.of(root), "a failed pull changes nothing in the store");
    }

    @Test
    void rmiOfAnUnknownNameFails() {
        BerthRun rmi = berth("rmi", "nosuch:1");
        assertEquals(1, rmi.code(), rmi::toString);
        assertEquals("", rmi.out());
        assertEquals("berth: no such image: nosuch:1\n", rmi.err());
    }

    /** Runs the bundle with bin/berth-runtime (`run`, which also deletes the container); returns its stdout. */
    private String runBundle(Path bundle) throws IOException, InterruptedException {
        String id = "berthcli" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xfffffff);
        Path out = Files.createTempFile(tmp, "stdout", ".txt");
        Path err = Files.createTempFile(tmp, "stderr", ".txt");
        Process p = new ProcessBuilder(BERTH_RUNTIME.toString(), "--root", tmp.resolve("state").toString(), "run",
                "--bundle", bundle.toString(), id)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        // A guard against a hang, not a timing expectation.
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("berth-runtime run did not finish: " + Files.readString(err));
        }
        assertEquals(0, p.exitValue(), () -> "berth-runtime run: " + readQuietly(err));
        assertFalse(Files.exists(tmp.resolve("state").resolve(id)), "run deletes the container");
        return Files.readString(out);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String matchAll(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertTrue(m.matches(), () -> pattern + " does not match '" + text + "'");
        return m.group(1);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }
}
