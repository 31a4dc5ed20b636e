package dev.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.ManifestException;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.manifest.Platform;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pull pipeline against the in-process registry. */
class ImagePullerTest {
    @TempDir
    Path tmp;

    private FakeRegistry reg;
    private RegistryClient client;
    private ContentStore store;

    @BeforeEach
    void start() throws IOException {
        reg = new FakeRegistry();
        client = RegistryClient.builder().dockerConfig(tmp.resolve("config.json"))
                .retry(RegistryClientFaultTest.FAST).build();
        store = new ContentStore(tmp.resolve("store"));
    }

    @AfterEach
    void stop() {
        client.close();
        reg.close();
    }

    @Test
    void pullsEveryBlobAndReportsProgress() throws IOException {
        TestImage image = TestImage.build("plain");
        reg.addImage("app", "1", image);
        Map<Digest, Boolean> done = new ConcurrentHashMap<>();
        Set<BlobKind> kinds = ConcurrentHashMap.newKeySet();
        PullListener listener = new PullListener() {
            @Override
            public void blobStarted(Descriptor d, BlobKind kind) {
                kinds.add(kind);
            }

            @Override
            public void blobDone(Descriptor d, boolean alreadyPresent) {
                done.put(d.digest(), alreadyPresent);
            }
        };
        PullResult result = new ImagePuller(client, store).pull(reg.ref("app:1"), image.platform, listener);

        assertEquals(image.manifest.digest(), result.top().digest());
        assertEquals(result.top(), result.manifestDescriptor(), "a single manifest is its own platform manifest");
        assertEquals(image.config, result.config());
        assertEquals(image.layers, result.manifest().layers());
        assertEquals(image.blobs.keySet(), store.list());
        assertEquals(Set.of(BlobKind.MANIFEST, BlobKind.CONFIG, BlobKind.LAYER), kinds);
        assertTrue(done.values().stream().noneMatch(b -> b), "all downloaded: " + done);

        // Second pull: everything is already there, only the manifest is asked for.
        int requestsBefore = reg.seen.size();
        new ImagePuller(client, store).pull(reg.ref("app:1"), image.platform, listener);
        assertEquals(requestsBefore + 1, reg.seen.size(), "no blob fetched again");
        assertTrue(done.values().stream().allMatch(b -> b), "all already present: " + done);
    }

    @Test
    void indexWithSeveralPlatformsPullsTheRightOne() throws IOException {
        TestImage amd64 = TestImage.build("amd", Platform.parse("linux/amd64"));
        TestImage arm64 = TestImage.build("arm", Platform.parse("linux/arm64"));
        TestImage armv7 = TestImage.build("armv7", Platform.parse("linux/arm/v7"));
        byte[] index = TestImage.indexOf(List.of(amd64, arm64, armv7));
        for (TestImage i : List.of(amd64, arm64, armv7)) {
            reg.blobs.putAll(i.blobs);
            reg.addManifest("multi", i.manifest.digest().toString(), MediaTypes.OCI_MANIFEST, i.manifestBytes);
        }
        reg.addManifest("multi", "1", MediaTypes.OCI_INDEX, index);

        PullResult result = new ImagePuller(client, store).pull(reg.ref("multi:1"), Platform.parse("linux/arm64"));

        assertEquals(Digest.of("sha256", index), result.top().digest());
        assertEquals(MediaTypes.OCI_INDEX, result.top().mediaType());
        assertEquals(arm64.manifest.digest(), result.manifestDescriptor().digest());
        assertEquals(Platform.parse("linux/arm64/v8"), result.manifestDescriptor().platform().orElseThrow());
        assertEquals(arm64.config, result.config());
        Set<Digest> expected = new java.util.HashSet<>(arm64.blobs.keySet());
        expected.add(Digest.of("sha256", index));
        assertEquals(expected, store.list(), "the index and arm64's blobs, nothing of the other platforms");
        for (TestImage other : List.of(amd64, armv7)) {
            for (Digest d : other.blobs.keySet()) {
                assertTrue(reg.seen.stream().noneMatch(s -> s.path().endsWith(d.toString())), "never asked for " + d);
            }
        }
    }

    @Test
    void indexWithoutThePlatformNamesWhatItHas() throws IOException {
        TestImage amd64 = TestImage.build("amd", Platform.parse("linux/amd64"));
        reg.addManifest("multi", "1", MediaTypes.OCI_INDEX, TestImage.indexOf(List.of(amd64)));
        ManifestException e = assertThrows(ManifestException.class,
                () -> new ImagePuller(client, store).pull(reg.ref("multi:1"), Platform.parse("linux/s390x")));
        assertTrue(e.getMessage().contains("no manifest for platform linux/s390x; available platforms: linux/amd64"),
                e.getMessage());
    }

    @Test
    void malformedManifestIsAClearErrorAndStoresNothing() throws IOException {
        byte[] broken = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                .getBytes(StandardCharsets.UTF_8);
        reg.addManifest("app", "broken", MediaTypes.OCI_MANIFEST, broken);
        ManifestException e = assertThrows(ManifestException.class,
                () -> new ImagePuller(client, store).pull(reg.ref("app:broken"), Platform.parse("linux/amd64")));
        assertTrue(e.getMessage().startsWith(reg.ref("app:broken") + " (" + Digest.of("sha256", broken) + "): "),
                e.getMessage());
        assertTrue(e.getMessage().contains("invalid JSON"), e.getMessage());
        assertEquals(Set.of(), store.list());
        assertNoIngestFiles();
    }

    @Test
    void manifestServedAsIndexIsRefused() throws IOException {
        TestImage image = TestImage.build("mislabelled");
        reg.blobs.putAll(image.blobs);
        reg.addManifest("app", "odd", MediaTypes.OCI_INDEX, image.manifestBytes);
        ManifestException e = assertThrows(ManifestException.class,
                () -> new ImagePuller(client, store).pull(reg.ref("app:odd"), image.platform));
        assertTrue(e.getMessage().contains("served as " + MediaTypes.OCI_INDEX + " but the document is an image manifest"),
                e.getMessage());
        assertEquals(Set.of(), store.list());
    }

    /**
     * Layer 0 fails while layer 1 is half-way through its body: the pull fails with layer 0's error,
     * layer 1's download is cancelled (its blob never appears) and no ingest file remains.
     */
    @Test
    void failedLayerCancelsTheOtherDownloads() throws IOException, InterruptedException {
        TestImage image = TestImage.build("cancel");
        reg.addImage("app", "1", image);
        Descriptor failing = image.layers.get(0);
        Descriptor hanging = image.layers.get(1);
        CountDownLatch hangingStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        reg.intercept(ex -> {
            String path = ex.getRequestURI().getPath();
            if (path.endsWith(hanging.digest().toString())) {
                byte[] bytes = reg.blobs.get(hanging.digest());
                ex.sendResponseHeaders(200, bytes.length);
                OutputStream out = ex.getResponseBody();
                out.write(bytes, 0, bytes.length / 2);
                out.flush();
                hangingStarted.countDown();
                awaitQuietly(release);
                out.write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
                out.close();
                return true;
            }
            if (path.endsWith(failing.digest().toString())) {
                awaitQuietly(hangingStarted);
                FakeRegistry.error(ex, 404, "BLOB_UNKNOWN", "blob unknown to registry");
                return true;
            }
            return false;
        });
        try {
            RegistryException e = assertThrows(RegistryException.class,
                    () -> new ImagePuller(client, store, 3).pull(reg.ref("app:1"), image.platform));
            assertTrue(e.getMessage().contains("/v2/app/blobs/" + failing.digest() + ": 404 BLOB_UNKNOWN"), e.getMessage());
            assertFalse(store.contains(hanging.digest()), "the cancelled download never completed");
            assertFalse(store.contains(failing.digest()));
            assertNoIngestFiles();
        } finally {
            release.countDown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            // Bounded only so that a broken cancel cannot hang the build; the assertions decide.
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void assertNoIngestFiles() throws IOException {
        try (Stream<Path> files = Files.list(store.root().resolve("ingest"))) {
            assertEquals(List.of(), files.toList(), "no ingest file left behind");
        }
    }
}
