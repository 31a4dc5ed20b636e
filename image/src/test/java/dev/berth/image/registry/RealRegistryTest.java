package dev.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.manifest.Platform;
import dev.berth.image.registry.PushListener.Outcome;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push and pull against a real registry (Debian's docker-registry, distribution 2.8), cross-checked
 * with skopeo in both directions.
 */
class RealRegistryTest {
    @RegisterExtension
    static final LocalRegistry REGISTRY = new LocalRegistry();

    @TempDir
    Path tmp;

    private RegistryClient client;

    @BeforeEach
    void client() throws IOException {
        client = RegistryClient.builder().dockerConfig(tmp.resolve("no-config.json"))
                .retry(RegistryClientFaultTest.FAST).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void pushedImageIsPulledBackIdenticallyAndSkopeoSeesItsDigest() throws Exception {
        TestImage image = TestImage.build("round-trip");
        ContentStore source = store("source", image);
        Reference target = REGISTRY.ref("berth/round-trip:v1");

        Map<Digest, Outcome> outcomes = push(source, image.manifest, target, null);
        assertTrue(outcomes.values().stream().allMatch(o -> o == Outcome.UPLOADED), outcomes.toString());

        ContentStore pulled = new ContentStore(tmp.resolve("pulled"));
        PullResult result = new ImagePuller(client, pulled).pull(target, image.platform);
        assertEquals(image.manifest.digest(), result.top().digest());
        assertEquals(image.config, result.config());
        assertEquals(image.layers, result.manifest().layers());
        assertEquals(source.list(), pulled.list());
        for (Digest d : source.list()) {
            assertArrayEquals(read(source, d), read(pulled, d), d.toString());
        }

        JsonNode inspect = skopeoInspect(target);
        assertEquals(image.manifest.digest().toString(), inspect.get("Digest").asText(), "skopeo sees berth's digest");
        List<String> layers = new ArrayList<>();
        inspect.get("Layers").forEach(n -> layers.add(n.asText()));
        assertEquals(image.layers.stream().map(l -> l.digest().toString()).toList(), layers);

        // Pushing again uploads nothing: every blob is already there.
        Map<Digest, Outcome> again = push(source, image.manifest, target, null);
        assertTrue(again.values().stream().allMatch(o -> o == Outcome.EXISTED), again.toString());
    }

    @Test
    void imageCopiedInBySkopeoIsPulledWithSkopeosDigest() throws Exception {
        TestImage image = TestImage.build("from-skopeo");
        Path layout = image.writeOciLayout(tmp.resolve("layout"), "t1");
        Reference target = REGISTRY.ref("berth/from-skopeo:t1");
        run("skopeo", "copy", "--dest-tls-verify=false", "oci:" + layout + ":t1", "docker://" + target);
        String skopeoDigest = skopeoInspect(target).get("Digest").asText();

        ContentStore pulled = new ContentStore(tmp.resolve("pulled"));
        PullResult result = new ImagePuller(client, pulled).pull(target, Platform.parse("linux/amd64"));
        assertEquals(skopeoDigest, result.top().digest().toString());
        for (Descriptor layer : result.manifest().layers()) {
            assertTrue(pulled.contains(layer.digest()), layer.digest().toString());
        }
        assertTrue(pulled.contains(result.config().digest()));
        assertEquals(image.layers.size(), result.manifest().layers().size());
    }

    @Test
    void blobsAreMountedFromAnotherRepository() throws Exception {
        TestImage image = TestImage.build("mount");
        ContentStore source = store("source", image);
        Reference first = REGISTRY.ref("berth/mount-source:v1");
        Reference second = REGISTRY.ref("berth/mount-target:v1");
        push(source, image.manifest, first, null);
        for (Descriptor layer : image.layers) {
            assertFalse(client.blobExists(second, layer.digest()), "not yet in the second repository");
        }

        Map<Digest, Outcome> outcomes = push(source, image.manifest, second, first);
        assertEquals(4, outcomes.size(), "config and three layers");
        assertTrue(outcomes.values().stream().allMatch(o -> o == Outcome.MOUNTED), outcomes.toString());
        for (Descriptor layer : image.layers) {
            assertTrue(client.blobExists(second, layer.digest()), layer.digest() + " mounted into the second repository");
        }
        PullResult result = new ImagePuller(client, new ContentStore(tmp.resolve("pulled"))).pull(second, image.platform);
        assertEquals(image.manifest.digest(), result.top().digest());
    }

    @Test
    void mountFromARepositoryWithoutTheBlobFallsBackToUpload() throws Exception {
        TestImage image = TestImage.build("no-mount");
        ContentStore source = store("source", image);
        Map<Digest, Outcome> outcomes = push(source, image.manifest, REGISTRY.ref("berth/no-mount:v1"),
                REGISTRY.ref("berth/empty-repository:x"));
        assertTrue(outcomes.values().stream().allMatch(o -> o == Outcome.UPLOADED), outcomes.toString());
    }

    @Test
    void indexIsPushedChildrenFirstAndPulledPerPlatform() throws Exception {
        TestImage amd64 = TestImage.build("idx-amd", Platform.parse("linux/amd64"));
        TestImage arm64 = TestImage.build("idx-arm", Platform.parse("linux/arm64"));
        byte[] indexBytes = TestImage.indexOf(List.of(amd64, arm64));
        ContentStore source = store("source", amd64, arm64);
        TestImage.put(source, Digest.of("sha256", indexBytes), indexBytes);
        Descriptor index = TestImage.descriptor(MediaTypes.OCI_INDEX, indexBytes);
        Reference target = REGISTRY.ref("berth/multi:v1");

        assertEquals(index.digest(), new ImagePusher(client).push(source, index, target, PushListener.NONE));
        assertEquals(index.digest().toString(), skopeoInspectRaw(target));

        PullResult result = new ImagePuller(client, new ContentStore(tmp.resolve("pulled")))
                .pull(target, Platform.parse("linux/arm64"));
        assertEquals(index.digest(), result.top().digest());
        assertEquals(arm64.manifest.digest(), result.manifestDescriptor().digest());
        assertEquals(arm64.config, result.config());
    }

    @Test
    void unknownTagIsTheRegistrysManifestUnknown() {
        Reference missing = REGISTRY.ref("berth/nothing-here:9");
        RegistryException e = assertThrows(RegistryException.class, () -> client.getManifest(missing));
        assertEquals(404, e.status());
        assertTrue(e.getMessage().startsWith("GET http://" + REGISTRY.registry()
                + "/v2/berth/nothing-here/manifests/9: 404 "), e.getMessage());
        assertTrue(e.hasCode("NAME_UNKNOWN") || e.hasCode("MANIFEST_UNKNOWN"), e.getMessage());
    }

    private ContentStore store(String name, TestImage... images) throws IOException {
        ContentStore store = new ContentStore(tmp.resolve(name));
        for (TestImage i : images) {
            i.storeInto(store);
        }
        return store;
    }

    private Map<Digest, Outcome> push(ContentStore store, Descriptor top, Reference target, Reference from)
            throws IOException {
        Map<Digest, Outcome> outcomes = new ConcurrentHashMap<>();
        Digest pushed = new ImagePusher(client).push(store, top, target, from, new PushListener() {
            @Override
            public void blobDone(Descriptor d, BlobKind kind, Outcome outcome) {
                outcomes.put(d.digest(), outcome);
            }
        });
        assertEquals(top.digest(), pushed);
        return outcomes;
    }

    private static byte[] read(ContentStore store, Digest d) throws IOException {
        try (InputStream in = store.open(d)) {
            return in.readAllBytes();
        }
    }

    private JsonNode skopeoInspect(Reference ref) throws Exception {
        return new ObjectMapper().readTree(run("skopeo", "inspect", "--tls-verify=false", "docker://" + ref));
    }

    /** The digest of the manifest skopeo fetches raw (for an index, the index itself). */
    private String skopeoInspectRaw(Reference ref) throws Exception {
        byte[] raw = run("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref)
                .getBytes(StandardCharsets.UTF_8);
        return Digest.of("sha256", raw).toString();
    }

    /** Runs a command to completion, returning stdout; a non-zero exit fails with its stderr. */
    private String run(String... command) throws IOException, InterruptedException {
        Path stderr = Files.createTempFile(tmp, "stderr-", ".txt");
        Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = p.waitFor();
        if (status != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + status + ":\n"
                    + Files.readString(stderr) + output);
        }
        return output;
    }
}
