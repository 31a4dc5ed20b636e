package dev.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.store.ContentException;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against an in-process registry that fails in the ways real ones do. */
class RegistryClientFaultTest {
    /** Fast retries: the tests exercise the retry paths, not the waiting. */
    static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5));

    @TempDir
    Path tmp;

    private FakeRegistry reg;
    private RegistryClient client;
    private ContentStore store;
    private final TestImage image = TestImage.build("fault");

    @BeforeEach
    void start() throws IOException {
        reg = new FakeRegistry();
        reg.addImage("app", "1", image);
        store = new ContentStore(tmp.resolve("store"));
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        reg.close();
    }

    private RegistryClient client() throws IOException {
        client = RegistryClient.builder().dockerConfig(tmp.resolve("config.json")).retry(FAST).build();
        return client;
    }

    private void writeConfig(String json) throws IOException {
        Files.writeString(tmp.resolve("config.json"), json);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void manifestNotFoundNamesMethodUrlStatusAndCode() throws IOException {
        RegistryException e = assertThrows(RegistryException.class, () -> client().getManifest(reg.ref("app:9")));
        assertEquals("GET " + reg.base() + "/v2/app/manifests/9: 404 MANIFEST_UNKNOWN manifest unknown", e.getMessage());
        assertEquals(404, e.status());
        assertTrue(e.hasCode("MANIFEST_UNKNOWN"));
        assertEquals(1, reg.seen("GET", "/v2/app/manifests/").size(), "a 404 is an answer, not retried");
    }

    @Test
    void getManifestReturnsBytesTypeAndVerifiedDigest() throws IOException {
        FetchedManifest m = client().getManifest(reg.ref("app:1"));
        assertArrayEquals(image.manifestBytes, m.bytes());
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
        assertEquals(image.manifest.digest(), m.digest());
        String accept = reg.seen("GET", "/v2/app/manifests/1").getFirst().header("accept");
        for (String type : List.of(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST,
                MediaTypes.DOCKER_MANIFEST_LIST)) {
            assertTrue(accept.contains(type), accept);
        }
    }

    @Test
    void serverErrorsAreRetriedThenSucceed() throws IOException {
        AtomicInteger failures = new AtomicInteger();
        reg.intercept(ex -> {
            if (ex.getRequestURI().getPath().equals("/v2/app/manifests/1") && failures.getAndIncrement() < 2) {
                FakeRegistry.error(ex, 500, "UNKNOWN", "try again");
                return true;
            }
            return false;
        });
        assertEquals(image.manifest.digest(), client().getManifest(reg.ref("app:1")).digest());
        assertEquals(3, reg.seen("GET", "/v2/app/manifests/1").size(), "two 500s, then the 200");
    }

    @Test
    void retriesStopAfterMaxAttemptsWithTheLastStatus() throws IOException {
        reg.intercept(ex -> {
            FakeRegistry.error(ex, 503, "UNAVAILABLE", "down for maintenance");
            return true;
        });
        RegistryException e = assertThrows(RegistryException.class, () -> client().getManifest(reg.ref("app:1")));
        assertEquals(503, e.status());
        assertTrue(e.getMessage().contains("UNAVAILABLE down for maintenance"), e.getMessage());
        assertEquals(FAST.maxAttempts(), reg.seen("GET", "/v2/app/manifests/1").size());
    }

    @Test
    void oversizedManifestIsRefused() throws IOException {
        client = RegistryClient.builder().dockerConfig(tmp.resolve("none.json")).retry(FAST).maxManifestSize(100).build();
        RegistryException e = assertThrows(RegistryException.class, () -> client.getManifest(reg.ref("app:1")));
        assertTrue(e.getMessage().contains("exceeds the 100-byte limit"), e.getMessage());
    }

    @Test
    void pinnedDigestMustMatchTheBytes() throws IOException {
        Digest pinned = image.config.digest(); // a valid digest, but not of what the registry will send
        reg.addManifest("app", pinned.toString(), MediaTypes.OCI_MANIFEST, image.manifestBytes);
        RegistryException e = assertThrows(RegistryException.class,
                () -> client().getManifest(reg.ref("app").withDigest(pinned)));
        assertTrue(e.getMessage().contains("manifest digest mismatch: got " + image.manifest.digest()
                + ", expected " + pinned), e.getMessage());
    }

    @Test
    void bearerTokenFlowUsesConfigJsonCredentialsAndCachesTheToken() throws IOException {
        reg.auth = FakeRegistry.Auth.BEARER;
        writeConfig("{\"auths\":{\"" + reg.registry() + "\":{\"auth\":\"" + b64("alice:s3cret") + "\"}}}");
        PullResult result = new ImagePuller(client(), store).pull(reg.ref("app:1"), image.platform);

        assertEquals(image.manifest.digest(), result.top().digest());
        List<FakeRegistry.Seen> tokenRequests = reg.seen("GET", "/token");
        assertEquals(1, tokenRequests.size(), "one token serves manifest, config and all layers");
        FakeRegistry.Seen tokenRequest = tokenRequests.getFirst();
        assertEquals(new Credentials("alice", "s3cret").basicAuthorization(), tokenRequest.header("authorization"));
        assertTrue(tokenRequest.query().contains("service=fake-registry"), tokenRequest.query());
        assertTrue(tokenRequest.query().contains("scope=repository%3Aapp%3Apull"), tokenRequest.query());
        for (FakeRegistry.Seen s : reg.seen("GET", "/v2/app/blobs/")) {
            assertEquals("Bearer " + FakeRegistry.TOKEN, s.header("authorization"), "token sent pre-emptively");
        }
        for (Digest d : image.blobs.keySet()) {
            assertTrue(store.contains(d), d.toString());
        }
    }

    @Test
    void tokenEndpointRejectingCredentialsIsAClearError() throws IOException {
        reg.auth = FakeRegistry.Auth.BEARER;
        reg.accepted = new Credentials("alice", "another-password");
        writeConfig("{\"auths\":{\"" + reg.registry() + "\":{\"auth\":\"" + b64("alice:s3cret") + "\"}}}");
        RegistryException e = assertThrows(RegistryException.class, () -> client().getManifest(reg.ref("app:1")));
        String msg = e.getMessage();
        assertTrue(msg.startsWith("authenticating to " + reg.registry() + " for repository:app:pull"), msg);
        assertTrue(msg.contains(tmp.resolve("config.json").toString()), "names where the credentials came from: " + msg);
        assertTrue(msg.contains("GET " + reg.base() + "/token?service=fake-registry&scope=repository%3Aapp%3Apull: 401"
                + " UNAUTHORIZED incorrect username or password"), msg);
        assertEquals(401, e.status());
        assertEquals(1, reg.seen("GET", "/token").size(), "a 401 from the token endpoint is not retried");
    }

    @Test
    void basicChallengeIsAnsweredWithConfigCredentials() throws IOException {
        reg.auth = FakeRegistry.Auth.BASIC;
        // Keys may carry a scheme and path; username/password fields instead of "auth".
        writeConfig("{\"auths\":{\"http://" + reg.registry() + "/v2/\":{\"username\":\"alice\",\"password\":\"s3cret\"}}}");
        new ImagePuller(client(), store).pull(reg.ref("app:1"), image.platform);
        assertTrue(store.contains(image.manifest.digest()));
        long unauthorised = reg.seen.stream().filter(s -> s.header("authorization") == null).count();
        assertEquals(1, unauthorised, "only the first request goes without credentials; then Basic is pre-emptive");
        assertTrue(reg.seen("GET", "/token").isEmpty());
    }

    @Test
    void basicChallengeWithoutCredentialsSaysSo() throws IOException {
        reg.auth = FakeRegistry.Auth.BASIC;
        RegistryException e = assertThrows(RegistryException.class, () -> client().getManifest(reg.ref("app:1")));
        assertTrue(e.getMessage().contains("requires Basic authentication and no credentials are configured"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("config.json").toString()), e.getMessage());
    }

    @Test
    void explicitCredentialsWinOverConfigJson() throws IOException {
        reg.auth = FakeRegistry.Auth.BASIC;
        writeConfig("{\"auths\":{\"" + reg.registry() + "\":{\"auth\":\"" + b64("alice:wrong") + "\"}}}");
        client = RegistryClient.builder().dockerConfig(tmp.resolve("config.json")).retry(FAST)
                .credentials(reg.registry(), new Credentials("alice", "s3cret")).build();
        assertEquals(image.manifest.digest(), client.getManifest(reg.ref("app:1")).digest());
    }

    @Test
    void truncatedBlobIsResumedWithRangeIntoTheSameIngest() throws IOException {
        Descriptor layer = image.layers.getFirst();
        int half = truncateFirstBlobResponse(layer);
        List<Long> progress = new CopyOnWriteArrayList<>();
        client().fetchBlob(reg.ref("app:1"), layer, store, progress::add);

        assertStored(layer);
        List<FakeRegistry.Seen> gets = reg.seen("GET", "/v2/app/blobs/" + layer.digest());
        assertEquals(2, gets.size());
        assertNull(gets.get(0).header("range"));
        assertEquals("bytes=" + half + "-", gets.get(1).header("range"));
        assertEquals(layer.size(), progress.getLast());
        assertFalse(progress.contains(0L), "resumed, never restarted: " + progress);
    }

    @Test
    void serverIgnoringRangeRestartsTheIngestFromZero() throws IOException {
        reg.supportsRange = false;
        Descriptor layer = image.layers.getFirst();
        int half = truncateFirstBlobResponse(layer);
        List<Long> progress = new CopyOnWriteArrayList<>();
        client().fetchBlob(reg.ref("app:1"), layer, store, progress::add);

        assertStored(layer);
        List<FakeRegistry.Seen> gets = reg.seen("GET", "/v2/app/blobs/" + layer.digest());
        assertEquals(2, gets.size());
        assertEquals("bytes=" + half + "-", gets.get(1).header("range"), "asked to resume");
        assertTrue(progress.contains(0L), "restart reported: " + progress);
        assertEquals(layer.size(), progress.getLast());
    }

    @Test
    void stalledBodyIsGivenUpAndResumed() throws IOException {
        Descriptor layer = image.layers.getFirst();
        byte[] bytes = reg.blobs.get(layer.digest());
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean stallEnded = new AtomicBoolean();
        reg.intercept(ex -> {
            if (ex.getRequestURI().getPath().equals("/v2/app/blobs/" + layer.digest()) && calls.getAndIncrement() == 0) {
                ex.sendResponseHeaders(200, bytes.length);
                OutputStream out = ex.getResponseBody();
                out.write(bytes, 0, bytes.length / 2);
                out.flush();
                try {
                    release.await(30, TimeUnit.SECONDS); // silent: neither data nor a closed connection
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                stallEnded.set(true);
                return true;
            }
            return false;
        });
        client = RegistryClient.builder().dockerConfig(tmp.resolve("config.json")).retry(FAST)
                .bodyIdleTimeout(Duration.ofMillis(200)).build();
        try {
            client.fetchBlob(reg.ref("app:1"), layer, store, n -> { });
            assertStored(layer);
            List<FakeRegistry.Seen> gets = reg.seen("GET", "/v2/app/blobs/" + layer.digest());
            assertEquals("bytes=" + bytes.length / 2 + "-", gets.getLast().header("range"));
            assertFalse(stallEnded.get(), "completed while the first response was still stalled");
        } finally {
            release.countDown();
        }
    }

    @Test
    void bodyEndingEarlyOnEveryAttemptFailsCleanly() throws IOException {
        Descriptor layer = image.layers.getFirst();
        reg.intercept(ex -> {
            if (ex.getRequestURI().getPath().equals("/v2/app/blobs/" + layer.digest())) {
                sendHalf(ex, reg.blobs.get(layer.digest()), false);
                return true;
            }
            return false;
        });
        RegistryException e = assertThrows(RegistryException.class,
                () -> client().fetchBlob(reg.ref("app:1"), layer, store, n -> { }));
        assertTrue(e.getMessage().contains(layer.digest() + " incomplete"), e.getMessage());
        assertNothingStored(layer);
    }

    @Test
    void corruptBlobIsRejectedAndLeavesNothing() throws IOException {
        Descriptor layer = image.layers.get(1);
        reg.intercept(ex -> {
            if (ex.getRequestURI().getPath().equals("/v2/app/blobs/" + layer.digest())) {
                byte[] wrong = reg.blobs.get(layer.digest()).clone();
                wrong[wrong.length / 2] ^= 0x55;
                FakeRegistry.send(ex, 200, "application/octet-stream", wrong);
                return true;
            }
            return false;
        });
        ContentException e = assertThrows(ContentException.class,
                () -> new ImagePuller(client(), store).pull(reg.ref("app:1"), image.platform));
        assertTrue(e.getMessage().contains(layer.digest() + ": digest mismatch"), e.getMessage());
        assertNothingStored(layer);
    }

    @Test
    void redirectToAnotherHostDropsAuthorization() throws IOException {
        reg.auth = FakeRegistry.Auth.BEARER;
        writeConfig("{\"auths\":{\"" + reg.registry() + "\":{\"auth\":\"" + b64("alice:s3cret") + "\"}}}");
        Descriptor layer = image.layers.get(2);
        try (FakeRegistry storage = new FakeRegistry()) {
            storage.blobs.putAll(image.blobs);
            reg.intercept(ex -> {
                boolean authorised = ("Bearer " + FakeRegistry.TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"));
                if (authorised && ex.getRequestURI().getPath().equals("/v2/app/blobs/" + layer.digest())) {
                    ex.getResponseHeaders().set("Location", storage.base() + "/storage/" + layer.digest());
                    FakeRegistry.send(ex, 307, null, new byte[0]);
                    return true;
                }
                return false;
            });
            new ImagePuller(client(), store).pull(reg.ref("app:1"), image.platform);

            assertStored(layer);
            List<FakeRegistry.Seen> atStorage = storage.seen("GET", "/storage/");
            assertEquals(1, atStorage.size());
            assertNull(atStorage.getFirst().header("authorization"), "credentials must not leave the registry");
            assertEquals("Bearer " + FakeRegistry.TOKEN,
                    reg.seen("GET", "/v2/app/blobs/" + layer.digest()).getLast().header("authorization"));
        }
    }

    @Test
    void pushHandlesRelativeLocationWithQueryAndTagsTheManifest() throws IOException {
        reg.auth = FakeRegistry.Auth.BEARER;
        writeConfig("{\"auths\":{\"" + reg.registry() + "\":{\"auth\":\"" + b64("alice:s3cret") + "\"}}}");
        TestImage pushed = TestImage.build("pushed");
        pushed.storeInto(store);
        List<PushListener.Outcome> outcomes = new CopyOnWriteArrayList<>();
        Digest digest = new ImagePusher(client()).push(store, pushed.manifest, reg.ref("pushed:v2"), new PushListener() {
            @Override
            public void blobDone(Descriptor d, BlobKind kind, Outcome outcome) {
                outcomes.add(outcome);
            }
        });
        assertEquals(pushed.manifest.digest(), digest);
        assertEquals(4, outcomes.size(), "config and three layers");
        assertTrue(outcomes.stream().allMatch(o -> o == PushListener.Outcome.UPLOADED), outcomes.toString());
        assertArrayEquals(pushed.manifestBytes, reg.manifest("pushed", "v2"), "manifest bytes sent as stored");
        for (Descriptor d : List.of(pushed.config, pushed.layers.get(0), pushed.layers.get(1), pushed.layers.get(2))) {
            assertArrayEquals(pushed.blobs.get(d.digest()), reg.blobs.get(d.digest()));
        }
        List<FakeRegistry.Seen> puts = reg.seen("PUT", "/v2/pushed/blobs/uploads/");
        assertTrue(puts.stream().allMatch(p -> p.query().startsWith("_state=opaque&digest=sha256")), puts.toString());
    }

    /** The first GET of {@code layer} sends half the body, then the connection is closed. */
    private int truncateFirstBlobResponse(Descriptor layer) {
        AtomicInteger calls = new AtomicInteger();
        byte[] bytes = reg.blobs.get(layer.digest());
        reg.intercept(ex -> {
            if (ex.getRequestURI().getPath().equals("/v2/app/blobs/" + layer.digest()) && calls.getAndIncrement() == 0) {
                sendHalf(ex, bytes, true);
                return true;
            }
            return false;
        });
        return bytes.length / 2;
    }

    /**
     * Sends half of {@code bytes}: with {@code dropConnection}, after announcing the full
     * Content-Length (the server then closes the connection short of it); otherwise as a complete,
     * chunked response that is simply too short.
     */
    static void sendHalf(com.sun.net.httpserver.HttpExchange ex, byte[] bytes, boolean dropConnection)
            throws IOException {
        ex.sendResponseHeaders(200, dropConnection ? bytes.length : 0);
        OutputStream out = ex.getResponseBody();
        out.write(bytes, 0, bytes.length / 2);
        out.flush();
        if (!dropConnection) {
            out.close();
        }
        // With a fixed length, closing the exchange short of it makes the server drop the connection.
    }

    private void assertStored(Descriptor d) throws IOException {
        assertTrue(store.contains(d.digest()), d.digest() + " stored");
        try (InputStream in = store.open(d.digest())) {
            assertArrayEquals(image.blobs.get(d.digest()), in.readAllBytes());
        }
        assertNoIngestFiles();
    }

    private void assertNothingStored(Descriptor d) throws IOException {
        assertFalse(store.contains(d.digest()), d.digest() + " must not be stored");
        assertNoIngestFiles();
    }

    private void assertNoIngestFiles() throws IOException {
        try (Stream<Path> files = Files.list(store.root().resolve("ingest"))) {
            assertEquals(List.of(), files.toList(), "no ingest file left behind");
        }
    }
}
