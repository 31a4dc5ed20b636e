package dev.berth.image.names;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageNamesTest {
    @TempDir
    Path root;

    private static Descriptor manifest(String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return new Descriptor(MediaTypes.OCI_MANIFEST, Digest.of("sha256", bytes), bytes.length, List.of(),
                Map.of(), Optional.empty());
    }

    @Test
    void namesPersistAcrossInstancesAndSortByName() throws IOException {
        ImageNames names = new ImageNames(root);
        Descriptor a = manifest("a");
        names.put("docker.io/library/busybox:latest", a);
        names.put("127.0.0.1:5000/app:1", manifest("b"));
        ImageNames again = new ImageNames(root);
        assertEquals(List.of("127.0.0.1:5000/app:1", "docker.io/library/busybox:latest"),
                again.list().stream().map(ImageRecord::name).toList());
        assertEquals(a, again.get("docker.io/library/busybox:latest").orElseThrow().target());
        assertEquals(List.of("docker.io/library/busybox:latest"),
                again.byDigest(a.digest()).stream().map(ImageRecord::name).toList());
    }

    @Test
    void retaggingKeepsCreatedOnlyForTheSameTarget() throws IOException {
        ImageNames names = new ImageNames(root);
        names.put("x:1", manifest("a"));
        ImageRecord first = names.get("x:1").orElseThrow();
        assertTrue(names.put("x:1", manifest("a")).isPresent());
        assertEquals(first.created(), names.get("x:1").orElseThrow().created());
        ImageRecord replaced = names.put("x:1", manifest("b")).orElseThrow();
        assertEquals(manifest("a").digest(), replaced.target().digest());
        assertEquals(manifest("b").digest(), names.get("x:1").orElseThrow().target().digest());
    }

    @Test
    void removeReturnsWhatWasThere() throws IOException {
        ImageNames names = new ImageNames(root);
        names.put("x:1", manifest("a"));
        assertEquals("x:1", names.remove("x:1").orElseThrow().name());
        assertFalse(names.remove("x:1").isPresent());
        assertTrue(names.list().isEmpty());
    }

    @Test
    void concurrentPutsLoseNothing() throws Exception {
        ImageNames names = new ImageNames(root);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                // Separate instances too: they share only the files, as two processes would.
                done.add(pool.submit(() -> new ImageNames(root).put("img:" + n, manifest("m" + n))));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(40, names.list().size());
        assertFalse(Files.exists(root.resolve("images.json.tmp")));
    }

    @Test
    void aDamagedTableIsAnErrorNamingTheField() throws IOException {
        Files.writeString(root.resolve("images.json"), "{\"images\":[{\"name\":\"x:1\",\"mediaType\":\"m\"}]}");
        IOException e = assertThrows(IOException.class, () -> new ImageNames(root).list());
        assertTrue(e.getMessage().endsWith("images[0].digest: missing"), e.getMessage());
    }
}
