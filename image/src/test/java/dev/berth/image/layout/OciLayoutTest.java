package dev.berth.image.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Platform;
import dev.berth.image.store.ContentException;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutTest {
    private static final String LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    @TempDir
    Path tmp;

    private Path layout;
    private Digest layer1;

    @Test
    void importsAndUnpacksARunnableBundle() throws IOException {
        buildLayout(false);
        ContentStore store = new ContentStore(tmp.resolve("store"));
        Descriptor imported = OciLayout.importInto(layout, store, "v1");
        assertEquals(Digest.of("sha256", Files.readAllBytes(layout.resolve("manifest.json"))), imported.digest());
        assertEquals(4, store.list().size(), "manifest, config and two layers are in the store");

        Path bundle = tmp.resolve("bundle");
        BundleWriter.unpack(store, imported, Platform.parse("linux/amd64"), bundle);
        Path rootfs = bundle.resolve("rootfs");
        assertFalse(Files.exists(rootfs.resolve("etc/old.txt")), "layer 2 whited out etc/old.txt");
        assertEquals("keep\n", Files.readString(rootfs.resolve("etc/keep.txt")));
        assertEquals("new\n", Files.readString(rootfs.resolve("etc/new.txt")));
        try (Stream<Path> all = Files.walk(rootfs)) {
            assertTrue(all.noneMatch(p -> p.getFileName().toString().startsWith(".wh.")), "no whiteout markers");
        }

        JsonNode process = new ObjectMapper().readTree(bundle.resolve("config.json").toFile()).get("process");
        assertEquals(List.of("/bin/sh", "-c", "echo hi"), strings(process.get("args")));
        assertEquals(List.of("PATH=/usr/bin:/bin", "GREETING=hi"), strings(process.get("env")));
    }

    @Test
    void corruptLayerIsRejectedByDigestAndNotStored() throws IOException {
        buildLayout(true);
        ContentStore store = new ContentStore(tmp.resolve("store"));
        ContentException e = assertThrows(ContentException.class, () -> OciLayout.importInto(layout, store, null));
        assertTrue(e.getMessage().contains(layer1.toString()), e.getMessage());
        assertFalse(store.contains(layer1), "corrupt layer must not be published");
        try (Stream<Path> ingests = Files.list(store.root().resolve("ingest"))) {
            assertEquals(0, ingests.count(), "no ingest file left behind");
        }
    }

    @Test
    void wrongLayoutVersionIsNamed() throws IOException {
        buildLayout(false);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"2.0.0\"}");
        ContentStore store = new ContentStore(tmp.resolve("store"));
        LayoutException e = assertThrows(LayoutException.class, () -> OciLayout.importInto(layout, store, null));
        assertTrue(e.getMessage().contains("imageLayoutVersion") && e.getMessage().contains("2.0.0"), e.getMessage());
        assertTrue(store.list().isEmpty());
    }

    @Test
    void unknownRefIsNamed() throws IOException {
        buildLayout(false);
        ContentStore store = new ContentStore(tmp.resolve("store"));
        LayoutException e = assertThrows(LayoutException.class, () -> OciLayout.importInto(layout, store, "v2"));
        assertTrue(e.getMessage().contains("v2") && e.getMessage().contains("refs: v1"), e.getMessage());
    }

    /** Writes the layout to {@code tmp/layout}; manifest.json is a copy of the manifest for the test. */
    private void buildLayout(boolean corruptLayer1) throws IOException {
        layout = tmp.resolve("layout");
        Files.createDirectories(layout.resolve("blobs/sha256"));
        byte[] l1 = gzipTar(List.of(dir("etc/"), file("etc/old.txt", "old\n"), file("etc/keep.txt", "keep\n")));
        byte[] l2 = gzipTar(List.of(file("etc/.wh.old.txt", ""), file("etc/new.txt", "new\n")));
        byte[] config = """
                {"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/bin:/bin","GREETING=hi"],
                "Cmd":["/bin/sh","-c","echo hi"]},"rootfs":{"type":"layers","diff_ids":[]}}"""
                .getBytes(StandardCharsets.UTF_8);
        layer1 = Digest.of("sha256", l1);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":" + descriptor("application/vnd.oci.image.config.v1+json", config, "")
                + ",\"layers\":[" + descriptor(LAYER_GZIP, l1, "") + "," + descriptor(LAYER_GZIP, l2, "") + "]}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] index = ("{\"schemaVersion\":2,\"manifests\":[" + descriptor(
                "application/vnd.oci.image.manifest.v1+json", manifest,
                ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}") + "]}")
                .getBytes(StandardCharsets.UTF_8);
        for (byte[] blob : List.of(l1, l2, config, manifest)) {
            Files.write(layout.resolve("blobs/sha256").resolve(Digest.of("sha256", blob).hex()), blob);
        }
        if (corruptLayer1) {
            byte[] bad = l1.clone();
            bad[bad.length / 2] ^= 0x55; // same size, same file name, different content
            Files.write(layout.resolve("blobs/sha256").resolve(layer1.hex()), bad);
        }
        Files.write(layout.resolve("manifest.json"), manifest);
        Files.write(layout.resolve("index.json"), index);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    }

    private static String descriptor(String mediaType, byte[] blob, String extra) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + Digest.of("sha256", blob)
                + "\",\"size\":" + blob.length + extra + "}";
    }

    private record Entry(String name, byte[] content) {
    }

    private static Entry dir(String name) {
        return new Entry(name, null);
    }

    private static Entry file(String name, String content) {
        return new Entry(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] gzipTar(List<Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (Entry e : entries) {
                TarArchiveEntry t = new TarArchiveEntry(e.name());
                t.setMode(e.content() == null ? 040755 : 0100644);
                if (e.content() != null) {
                    t.setSize(e.content().length);
                }
                tar.putArchiveEntry(t);
                if (e.content() != null) {
                    tar.write(e.content());
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
