package dev.berth.image.archive;

import static dev.berth.image.archive.TestImages.blobJson;
import static dev.berth.image.archive.TestImages.ingestLeftovers;
import static dev.berth.image.archive.TestImages.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.image.layout.BundleWriter;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.LayerMediaType;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.manifest.Platform;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsImportTest {
    private static final Instant CREATED = Instant.parse("2024-05-06T07:08:09Z");

    @TempDir
    Path tmp;

    private ContentStore store;
    private byte[] rootfs;

    @BeforeEach
    void busyboxLikeRootfs() throws IOException {
        store = new ContentStore(tmp.resolve("store"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            directory(tar, "bin/");
            directory(tar, "etc/");
            byte[] busybox = Files.readAllBytes(Path.of("/bin/busybox"));
            TarArchiveEntry bin = new TarArchiveEntry("bin/busybox");
            bin.setMode(0100755);
            bin.setSize(busybox.length);
            tar.putArchiveEntry(bin);
            tar.write(busybox);
            tar.closeArchiveEntry();
            TarArchiveEntry sh = new TarArchiveEntry("bin/sh", TarConstants.LF_SYMLINK);
            sh.setLinkName("busybox");
            tar.putArchiveEntry(sh);
            tar.closeArchiveEntry();
            byte[] passwd = "root:x:0:0:root:/root:/bin/sh\n".getBytes();
            TarArchiveEntry p = new TarArchiveEntry("etc/passwd");
            p.setSize(passwd.length);
            tar.putArchiveEntry(p);
            tar.write(passwd);
            tar.closeArchiveEntry();
        }
        rootfs = bytes.toByteArray();
    }

    @Test
    void plainTarBecomesAOneLayerImageWhoseDiffIdIsTheTarsDigest() throws IOException {
        RootfsImport.Options options = new RootfsImport.Options("linux", "x86_64", List.of("/bin/sh"),
                Map.of("org.example.origin", "test"), CREATED);
        Descriptor manifest = RootfsImport.create(new ByteArrayInputStream(rootfs), store, options);

        assertEquals(MediaTypes.OCI_MANIFEST, manifest.mediaType());
        JsonNode m = blobJson(store, manifest.digest());
        assertEquals(MediaTypes.OCI_CONFIG, m.get("config").get("mediaType").asText());
        JsonNode layer = m.get("layers").get(0);
        assertEquals(1, m.get("layers").size());
        assertEquals(LayerMediaType.OCI_TAR_GZIP.mediaType(), layer.get("mediaType").asText());
        Digest layerDigest = Digest.parse(layer.get("digest").asText());
        try (InputStream in = new GZIPInputStream(store.open(layerDigest))) {
            assertArrayEquals(rootfs, in.readAllBytes(), "the layer is the given tar, byte for byte, gzipped");
        }

        JsonNode config = blobJson(store, Digest.parse(m.get("config").get("digest").asText()));
        assertEquals(List.of(sha256(rootfs).toString()), List.of(config.get("rootfs").get("diff_ids").get(0).asText()));
        assertEquals(1, config.get("rootfs").get("diff_ids").size());
        assertEquals("layers", config.get("rootfs").get("type").asText());
        assertEquals("amd64", config.get("architecture").asText(), "normalised like a platform");
        assertEquals("linux", config.get("os").asText());
        assertEquals("2024-05-06T07:08:09Z", config.get("created").asText());
        assertEquals("/bin/sh", config.get("config").get("Cmd").get(0).asText());
        assertEquals("test", config.get("config").get("Labels").get("org.example.origin").asText());
        assertEquals(RootfsImport.CREATED_BY, config.get("history").get(0).get("created_by").asText());
        assertEquals(Set.of(manifest.digest(), layerDigest, Digest.parse(m.get("config").get("digest").asText())), store.list());
        assertEquals(List.of(), ingestLeftovers(store), "compressed spool removed");

        // The image is usable as any other: unpacked, it has the files and the command.
        Path bundle = tmp.resolve("bundle");
        BundleWriter.unpack(store, manifest, Platform.parse("linux/amd64"), bundle);
        assertEquals(Files.size(Path.of("/bin/busybox")), Files.size(bundle.resolve("rootfs/bin/busybox")));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(bundle.resolve("rootfs/bin/sh")));
        JsonNode spec = TestImages.readJson(bundle.resolve("config.json"));
        assertEquals("/bin/sh", spec.get("process").get("args").get(0).asText());
    }

    @Test
    void compressedInputGivesTheSameDiffIdAndTheSameImage() throws IOException {
        RootfsImport.Options options = new RootfsImport.Options("linux", "amd64", List.of(), Map.of(), CREATED);
        Descriptor fromPlain = RootfsImport.create(new ByteArrayInputStream(rootfs), store, options);
        Descriptor fromGzip = RootfsImport.create(new ByteArrayInputStream(TestImages.gzip(rootfs)), store, options);
        assertEquals(fromPlain, fromGzip, "diffID is over the uncompressed tar; same options, same image digest");
        JsonNode config = blobJson(store, Digest.parse(blobJson(store, fromGzip.digest()).get("config").get("digest").asText()));
        assertEquals(sha256(rootfs).toString(), config.get("rootfs").get("diff_ids").get(0).asText());
        assertTrue(config.get("config").isEmpty(), "no Cmd, no Labels: " + config.get("config"));
    }

    @Test
    void inputThatIsNotATarIsRefusedAndNothingStays() throws IOException {
        RootfsImport.Options options = new RootfsImport.Options("linux", "amd64", List.of(), Map.of(), CREATED);
        byte[] notATar = "this is a text file, not a tar archive; it is long enough to fill a header. ".repeat(20).getBytes();
        ArchiveException e = assertThrows(ArchiveException.class,
                () -> RootfsImport.create(new ByteArrayInputStream(notATar), store, options));
        assertTrue(e.getMessage().startsWith("rootfs import: input is not a valid tar"), e.getMessage());
        assertEquals(Set.of(), store.list());
        assertEquals(List.of(), ingestLeftovers(store));

        ArchiveException empty = assertThrows(ArchiveException.class,
                () -> RootfsImport.create(new ByteArrayInputStream(new byte[0]), store, options));
        assertTrue(empty.getMessage().contains("no tar entries"), empty.getMessage());
        assertEquals(Set.of(), store.list());
        assertEquals(List.of(), ingestLeftovers(store));
    }

    private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry d = new TarArchiveEntry(name);
        d.setMode(040755);
        tar.putArchiveEntry(d);
        tar.closeArchiveEntry();
    }
}
