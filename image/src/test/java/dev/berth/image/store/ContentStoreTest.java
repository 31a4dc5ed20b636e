package dev.berth.image.store;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {
    @TempDir
    Path root;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    Digest put(ContentStore store, byte[] data) throws IOException {
        Digest d = Digest.of("sha256", data);
        try (Ingest in = store.begin(d, data.length)) {
            in.write(data);
            in.commit();
        }
        return d;
    }

    long ingestFiles() throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("ingest"))) {
            return s.count();
        }
    }

    @Test
    void writeCommitReadBack() throws IOException {
        ContentStore store = new ContentStore(root);
        byte[] data = bytes("hello layer");
        Digest d = put(store, data);
        assertTrue(store.contains(d));
        assertEquals(root.resolve("blobs/sha256/" + d.hex()), store.path(d));
        assertEquals(data.length, store.size(d));
        try (InputStream in = store.open(d)) {
            assertArrayEquals(data, in.readAllBytes());
        }
        assertEquals(Set.of(d), store.list());
        assertEquals(0, ingestFiles());
    }

    @Test
    void wrongDigestIsRefusedAndLeavesNothing() throws IOException {
        ContentStore store = new ContentStore(root);
        Digest claimed = Digest.of("sha256", bytes("expected"));
        byte[] actual = bytes("tampered");
        Ingest in = store.begin(claimed, actual.length);
        in.write(actual);
        ContentException e = assertThrows(ContentException.class, in::commit);
        assertEquals(claimed + ": digest mismatch: got " + Digest.of("sha256", actual)
                + ", expected " + claimed, e.getMessage());
        assertFalse(Files.exists(store.path(claimed)));
        assertEquals(0, ingestFiles());
        assertTrue(store.list().isEmpty());
    }

    @Test
    void wrongSizeIsRefused() throws IOException {
        ContentStore store = new ContentStore(root);
        byte[] data = bytes("twelve bytes");
        Digest d = Digest.of("sha256", data);
        try (Ingest in = store.begin(d, data.length - 1)) {
            ContentException e = assertThrows(ContentException.class, () -> in.write(data));
            assertTrue(e.getMessage().startsWith(d + ": size mismatch"), e.getMessage());
        }
        assertFalse(store.contains(d));
        assertEquals(0, ingestFiles());
    }

    @Test
    void truncatedWriteIsRefused() throws IOException {
        ContentStore store = new ContentStore(root);
        byte[] data = bytes("a full blob of content");
        Digest d = Digest.of("sha256", data);
        Ingest in = store.begin(d, data.length);
        in.write(data, 0, 5);
        ContentException e = assertThrows(ContentException.class, in::commit);
        assertEquals(d + ": size mismatch: got 5 bytes, expected " + data.length, e.getMessage());
        assertFalse(store.contains(d));
        assertEquals(0, ingestFiles());
    }

    @Test
    void abortAndCloseRemoveTheIngestFile() throws IOException {
        ContentStore store = new ContentStore(root);
        Digest d = Digest.of("sha256", bytes("x"));
        Ingest in = store.begin(d, 1);
        assertTrue(Files.exists(in.file()));
        in.abort();
        assertFalse(Files.exists(in.file()));
        try (Ingest other = store.begin(d, 1)) {
            other.write('x');
            assertEquals(1, ingestFiles());
        }
        assertEquals(0, ingestFiles());
        assertFalse(store.contains(d));
        assertThrows(IOException.class, in::commit);
    }

    @Test
    void concurrentCommitsOfSameBlobEndWithOneCorrectBlob() throws Exception {
        ContentStore store = new ContentStore(root);
        byte[] data = new byte[1 << 20];
        new java.util.Random(42).nextBytes(data);
        Digest d = Digest.of("sha256", data);
        int writers = 4;
        CyclicBarrier barrier = new CyclicBarrier(writers);
        List<Future<Path>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int i = 0; i < writers; i++) {
                results.add(pool.submit(() -> {
                    try (Ingest in = store.begin(d, data.length)) {
                        in.write(data);
                        barrier.await();
                        return in.commit();
                    }
                }));
            }
            for (Future<Path> f : results) {
                assertEquals(store.path(d), f.get());
            }
        }
        assertEquals(Set.of(d), store.list());
        try (Stream<Path> s = Files.list(store.path(d).getParent())) {
            assertEquals(1, s.count());
        }
        assertArrayEquals(data, Files.readAllBytes(store.path(d)));
        assertEquals(1, Files.getAttribute(store.path(d), "unix:nlink"));
        assertEquals(0, ingestFiles());
    }

    @Test
    void gcRemovesSpoolDirectoriesOnlyWhenNothingInThemChangedLately() throws IOException {
        ContentStore store = new ContentStore(root);
        FileTime old = FileTime.from(Instant.now().minus(ContentStore.STALE_INGEST_AGE).minusSeconds(60));
        Path staleSpool = Files.createDirectories(root.resolve("ingest/load-stale/blobs"));
        Files.setLastModifiedTime(Files.writeString(staleSpool.resolve("a"), "a"), old);
        Files.setLastModifiedTime(staleSpool, old);
        Files.setLastModifiedTime(staleSpool.getParent(), old);
        // A long load: the directory itself is old, but a file in it is being written now.
        Path busySpool = Files.createDirectories(root.resolve("ingest/load-busy"));
        Files.writeString(busySpool.resolve("layer.tar"), "still arriving");
        Files.setLastModifiedTime(busySpool, old);
        GcResult result = store.gc(Set.of());
        assertEquals(Set.of(staleSpool.getParent()), result.removedIngests());
        assertFalse(Files.exists(staleSpool.getParent()));
        assertTrue(Files.exists(busySpool.resolve("layer.tar")));
    }

    @Test
    void gcKeepsReferencedBlobsAndRemovesStaleIngests() throws IOException {
        ContentStore store = new ContentStore(root);
        Digest kept = put(store, bytes("kept"));
        Digest dropped = put(store, bytes("dropped"));
        Path stale = Files.writeString(root.resolve("ingest/leftover.part"), "crashed pull");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(ContentStore.STALE_INGEST_AGE).minusSeconds(60)));
        Path fresh = Files.writeString(root.resolve("ingest/other-process.part"), "in progress");
        Digest pending = Digest.of("sha256", bytes("pending"));
        try (Ingest live = store.begin(pending, -1)) {
            Files.setLastModifiedTime(live.file(), FileTime.from(Instant.EPOCH));
            GcResult result = store.gc(Set.of(kept));
            assertEquals(Set.of(dropped), result.removedBlobs());
            assertEquals(Set.of(stale), result.removedIngests());
            assertTrue(store.contains(kept));
            assertFalse(store.contains(dropped));
            assertTrue(Files.exists(fresh));
            assertTrue(Files.exists(live.file()));
            live.write(bytes("pending"));
            live.commit();
        }
        assertEquals(Set.of(kept, pending), store.list());
    }

    @Test
    void missingBlobErrorsNameDigestAndPath() throws IOException {
        ContentStore store = new ContentStore(root);
        Digest d = Digest.of("sha256", bytes("absent"));
        ContentException e = assertThrows(ContentException.class, () -> store.open(d));
        assertEquals(d + ": blob not found at " + store.path(d), e.getMessage());
        assertThrows(ContentException.class, () -> store.size(d));
        assertThrows(ContentException.class, () -> store.delete(d));
        Digest present = put(store, bytes("present"));
        store.delete(present);
        assertFalse(store.contains(present));
    }
}
