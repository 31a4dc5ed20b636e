package dev.berth.image.archive;

import static dev.berth.image.archive.TestImages.ingestLeftovers;
import static dev.berth.image.archive.TestImages.readJson;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.store.ContentException;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciArchivesTest {
    @TempDir
    Path tmp;

    private ContentStore source;
    private TestImages.Built single;
    private TestImages.Built amd64;
    private TestImages.Built arm64;
    private Descriptor index;
    private List<NamedImage> images;

    @BeforeEach
    void buildImages() throws IOException {
        source = new ContentStore(tmp.resolve("source"));
        single = TestImages.threeLayers(source, "amd64", "single");
        amd64 = TestImages.threeLayers(source, "amd64", "multi-amd64");
        arm64 = TestImages.threeLayers(source, "arm64", "multi-arm64");
        index = TestImages.index(source, TestImages.platforms(amd64.manifest(), arm64.manifest()));
        images = List.of(new NamedImage("docker.io/library/single:1.0", single.manifest()),
                new NamedImage("multi:latest", index));
    }

    @Test
    void directoryExportImportsIntoAFreshStoreWithTheSameDigests() throws IOException {
        Path layout = tmp.resolve("layout");
        OciArchives.export(source, images, layout);

        assertEquals("{\"imageLayoutVersion\":\"1.0.0\"}", Files.readString(layout.resolve("oci-layout")));
        JsonNode entries = readJson(layout.resolve("index.json")).get("manifests");
        assertEquals(2, entries.size());
        assertEquals("1.0", entries.get(0).get("annotations").get("org.opencontainers.image.ref.name").asText());
        assertEquals("docker.io/library/single:1.0", entries.get(0).get("annotations").get("io.containerd.image.name").asText());
        assertEquals(index.digest().toString(), entries.get(1).get("digest").asText());
        assertEquals("latest", entries.get(1).get("annotations").get("org.opencontainers.image.ref.name").asText());
        assertEquals(source.list(), blobFiles(layout), "every blob of both images (index children included), no more");
        assertEquals(List.of(), siblingsOf(layout), "the temporary directory was renamed into place");

        ContentStore target = new ContentStore(tmp.resolve("target"));
        List<NamedImage> imported = OciArchives.importFrom(layout, target);
        assertEquals(List.of("docker.io/library/single:1.0", "multi:latest"), imported.stream().map(NamedImage::name).toList());
        assertEquals(single.manifest().digest(), imported.get(0).descriptor().digest());
        assertEquals(index.digest(), imported.get(1).descriptor().digest());
        assertEquals(source.list(), target.list());
    }

    @Test
    void tarExportIsDeterministicAndImportsTheSameImages() throws IOException {
        byte[] first = exportTar(images);
        byte[] second = exportTar(images);
        assertArrayEquals(first, second, "same images, same bytes");

        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(first))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                names.add(e.getName());
                assertEquals(0, e.getLastModifiedTime().toMillis(), e.getName());
                assertEquals(0, e.getLongUserId(), e.getName());
                assertEquals(0, e.getLongGroupId(), e.getName());
                assertEquals("", e.getUserName(), e.getName());
            }
        }
        List<String> blobs = source.list().stream().map(d -> "blobs/sha256/" + d.hex()).sorted().toList();
        List<String> expected = new ArrayList<>(List.of("oci-layout", "index.json", "blobs/", "blobs/sha256/"));
        expected.addAll(blobs);
        assertEquals(expected, names);

        Path tarFile = tmp.resolve("images.tar");
        Files.write(tarFile, first);
        ContentStore target = new ContentStore(tmp.resolve("target"));
        List<NamedImage> imported = OciArchives.importFrom(tarFile, target);
        assertEquals(List.of("docker.io/library/single:1.0", "multi:latest"), imported.stream().map(NamedImage::name).toList());
        assertEquals(index.digest(), imported.get(1).descriptor().digest());
        assertEquals(source.list(), target.list());
        assertEquals(List.of(), ingestLeftovers(target));
    }

    @Test
    void corruptBlobInALayoutDirectoryIsNamedAndTheStoreIsUnchanged() throws IOException {
        Path layout = tmp.resolve("layout");
        OciArchives.export(source, images, layout);
        Digest victim = arm64.layerBlobs().get(1);
        corrupt(layout.resolve("blobs/sha256").resolve(victim.hex()));

        ContentStore target = new ContentStore(tmp.resolve("target"));
        // A blob that was there before must survive the failed import, though the import uses it.
        TestImages.put(target, "application/octet-stream", Files.readAllBytes(source.path(single.config())));
        Set<Digest> before = target.list();
        ContentException e = assertThrows(ContentException.class, () -> OciArchives.importFrom(layout, target));
        assertTrue(e.getMessage().contains(victim.toString()) && e.getMessage().contains("digest mismatch"), e.getMessage());
        assertEquals(before, target.list());
        assertEquals(List.of(), ingestLeftovers(target));
    }

    @Test
    void descriptorSizeIsCheckedAgainstABlobAlreadyInTheStore() throws IOException {
        Path layout = tmp.resolve("layout");
        OciArchives.export(source, images, layout);
        ContentStore target = new ContentStore(tmp.resolve("target"));
        OciArchives.importFrom(layout, target);
        Set<Digest> before = target.list();
        Path indexJson = layout.resolve("index.json");
        String size = "\"size\":" + single.manifest().size();
        Files.writeString(indexJson, Files.readString(indexJson).replace(size, "\"size\":" + (single.manifest().size() + 1)));

        IOException e = assertThrows(IOException.class, () -> OciArchives.importFrom(layout, target));
        assertEquals(single.manifest().digest() + ": descriptor (application/vnd.oci.image.manifest.v1+json) says "
                + (single.manifest().size() + 1) + " bytes, the blob has " + single.manifest().size(), e.getMessage());
        assertEquals(before, target.list(), "blobs that were there before the failed import stay");
    }

    @Test
    void corruptBlobInALayoutTarIsNamedAndTheStoreIsUnchanged() throws IOException {
        Digest victim = amd64.config();
        byte[] tar = exportTar(images);
        Path tarFile = tmp.resolve("bad.tar");
        Files.write(tarFile, rewriteEntry(tar, "blobs/sha256/" + victim.hex(), content -> {
            content[content.length / 2] ^= 0x20; // same size, different bytes
            return content;
        }));
        ContentStore target = new ContentStore(tmp.resolve("target"));
        ContentException e = assertThrows(ContentException.class, () -> OciArchives.importFrom(tarFile, target));
        assertTrue(e.getMessage().contains(victim.toString()), e.getMessage());
        assertEquals(Set.of(), target.list());
        assertEquals(List.of(), ingestLeftovers(target));
    }

    @Test
    void blobMissingFromALayoutTarIsNamed() throws IOException {
        Digest missing = single.layerBlobs().get(2);
        Path tarFile = tmp.resolve("incomplete.tar");
        Files.write(tarFile, rewriteEntry(exportTar(images), "blobs/sha256/" + missing.hex(), content -> null));
        ContentStore target = new ContentStore(tmp.resolve("target"));
        ArchiveException e = assertThrows(ArchiveException.class, () -> OciArchives.importFrom(tarFile, target));
        assertTrue(e.getMessage().contains(missing + ": blob (application/vnd.oci.image.layer.v1.tar+gzip) missing from "
                + tarFile), e.getMessage());
        assertEquals(Set.of(), target.list(), "blobs read before the gap was found are removed again");
    }

    @Test
    void truncatedLayoutTarFailsAndLeavesNothing() throws IOException {
        byte[] tar = exportTar(images);
        Digest cutBlob = single.layerBlobs().get(0);
        Path tarFile = tmp.resolve("truncated.tar");
        // Cut in the middle of a layer blob's data: the tar reader, not the digest check, must notice.
        int cut = dataOffset(tar, "blobs/sha256/" + cutBlob.hex()) + (int) source.size(cutBlob) / 2;
        Files.write(tarFile, java.util.Arrays.copyOf(tar, cut));
        ContentStore target = new ContentStore(tmp.resolve("target"));
        ArchiveException e = assertThrows(ArchiveException.class, () -> OciArchives.importFrom(tarFile, target));
        assertTrue(e.getMessage().startsWith(tarFile + ": reading the tar failed (truncated or corrupt?)"), e.getMessage());
        assertEquals(Set.of(), target.list(), "blobs before the cut are removed again");
        assertEquals(List.of(), ingestLeftovers(target));
    }

    @Test
    void blobsNoImageNeedsAreNotKept() throws IOException {
        byte[] stray = "not referenced by anything".getBytes();
        Digest strayDigest = TestImages.sha256(stray);
        Path tarFile = tmp.resolve("extra.tar");
        Files.write(tarFile, rewriteEntry(exportTar(images), "oci-layout", content -> content, "blobs/sha256/" + strayDigest.hex(), stray));
        ContentStore target = new ContentStore(tmp.resolve("target"));
        OciArchives.importFrom(tarFile, target);
        assertFalse(target.contains(strayDigest));
        assertEquals(source.list(), target.list());
    }

    @Test
    void exportNeverLeavesAPartialLayout() throws IOException {
        Path busy = tmp.resolve("busy");
        Files.createDirectories(busy);
        Files.writeString(busy.resolve("keep.txt"), "mine");
        assertThrows(java.nio.file.DirectoryNotEmptyException.class, () -> OciArchives.export(source, images, busy));
        assertEquals("mine", Files.readString(busy.resolve("keep.txt")));

        Files.delete(source.path(arm64.layerBlobs().getFirst()));
        Path layout = tmp.resolve("layout");
        ArchiveException e = assertThrows(ArchiveException.class, () -> OciArchives.export(source, images, layout));
        assertTrue(e.getMessage().contains(arm64.layerBlobs().getFirst() + ": blob"), e.getMessage());
        assertFalse(Files.exists(layout));
        try (Stream<Path> all = Files.list(tmp)) {
            assertTrue(all.noneMatch(p -> p.getFileName().toString().startsWith(".layout")), "no temporary directory left");
        }
    }

    @Test
    void longNamesGetAPaxHeaderThatGnuTarReads() throws IOException, InterruptedException {
        String longName = "blobs/sha512/" + "ab".repeat(64);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DeterministicTar tar = new DeterministicTar(bytes);
        tar.file(longName, "x".getBytes());
        tar.finish();
        Path file = tmp.resolve("long.tar");
        Files.write(file, bytes.toByteArray());
        String listing = TestImages.run(List.of("tar", "--numeric-owner", "-tvf", file.toString()));
        assertTrue(listing.contains(" 0/0 ") && listing.strip().endsWith(longName), listing);
        for (int n = 0; n < 1100; n++) {
            // The length prefix counts the whole record, including its own digits (carry at 9/99/999).
            byte[] record = DeterministicTar.paxRecord("path", "x".repeat(n));
            String text = new String(record, java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(record.length, Integer.parseInt(text.substring(0, text.indexOf(' '))), text);
            assertTrue(text.endsWith(" path=" + "x".repeat(n) + "\n"));
        }
    }

    private byte[] exportTar(List<NamedImage> what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OciArchives.exportTar(source, what, out);
        return out.toByteArray();
    }

    /** Where the data of entry {@code name} starts: one 512-byte block after its header. */
    static int dataOffset(byte[] tar, String name) {
        byte[] wanted = (name + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int off = 0; off + 512 <= tar.length; off += 512) {
            if (java.util.Arrays.equals(tar, off, off + wanted.length, wanted, 0, wanted.length)) {
                return off + 512;
            }
        }
        throw new AssertionError("no entry " + name);
    }

    private static Set<Digest> blobFiles(Path layout) throws IOException {
        Set<Digest> found = new HashSet<>();
        try (Stream<Path> files = Files.list(layout.resolve("blobs/sha256"))) {
            files.forEach(f -> found.add(new Digest("sha256", f.getFileName().toString())));
        }
        return found;
    }

    private List<String> siblingsOf(Path layout) throws IOException {
        try (Stream<Path> all = Files.list(layout.getParent())) {
            return all.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }

    private static void corrupt(Path file) throws IOException {
        byte[] content = Files.readAllBytes(file);
        content[content.length / 2] ^= 0x55;
        Files.write(file, content);
    }

    /** Copies a tar, passing {@code name}'s content through {@code change} (null drops the entry). */
    static byte[] rewriteEntry(byte[] tar, String name, java.util.function.UnaryOperator<byte[]> change) throws IOException {
        return rewriteEntry(tar, name, change, null, null);
    }

    /** As above, optionally appending one more entry at the end. */
    static byte[] rewriteEntry(byte[] tar, String name, java.util.function.UnaryOperator<byte[]> change,
                               String extraName, byte[] extra) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar));
             TarArchiveOutputStream copy = new TarArchiveOutputStream(out)) {
            copy.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] content = in.readAllBytes();
                if (e.getName().equals(name)) {
                    content = change.apply(content);
                    if (content == null) {
                        continue;
                    }
                }
                writeEntry(copy, e.getName(), e.isDirectory(), content);
            }
            if (extraName != null) {
                writeEntry(copy, extraName, false, extra);
            }
        }
        return out.toByteArray();
    }

    private static void writeEntry(TarArchiveOutputStream copy, String name, boolean dir, byte[] content)
            throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        if (!dir) {
            entry.setSize(content.length);
        }
        copy.putArchiveEntry(entry);
        if (!dir) {
            copy.write(content);
        }
        copy.closeArchiveEntry();
    }
}
