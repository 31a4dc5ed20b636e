package dev.berth.image.archive;

import static dev.berth.image.archive.TestImages.blobJson;
import static dev.berth.image.archive.TestImages.ingestLeftovers;
import static dev.berth.image.archive.TestImages.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.ZstdOutputStream;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerArchiveTest {
    @TempDir
    Path tmp;

    private ContentStore source;
    private ContentStore target;
    private TestImages.Built image;

    @BeforeEach
    void buildImage() throws IOException {
        source = new ContentStore(tmp.resolve("source"));
        target = new ContentStore(tmp.resolve("target"));
        image = TestImages.threeLayers(source, "amd64", "docker");
    }

    @Test
    void saveThenLoadKeepsConfigDigestAndDiffIds() throws IOException {
        List<NamedImage> saved = List.of(new NamedImage("busybox:latest", image.manifest()),
                new NamedImage("docker.io/library/busybox:1.36", image.manifest()));
        byte[] tar = save(saved);

        List<NamedImage> loaded = DockerArchive.load(new ByteArrayInputStream(tar), target);
        assertEquals(List.of("busybox:latest", "docker.io/library/busybox:1.36"), loaded.stream().map(NamedImage::name).toList());
        assertEquals(loaded.get(0).descriptor(), loaded.get(1).descriptor(), "one image, two tags");
        Descriptor manifest = loaded.getFirst().descriptor();
        assertEquals(MediaTypes.DOCKER_MANIFEST, manifest.mediaType());
        JsonNode m = blobJson(target, manifest.digest());
        assertEquals(MediaTypes.DOCKER_MANIFEST, m.get("mediaType").asText());
        assertEquals(MediaTypes.DOCKER_CONFIG, m.get("config").get("mediaType").asText());
        assertEquals(image.config().toString(), m.get("config").get("digest").asText());
        List<Digest> layerDigests = new ArrayList<>();
        for (JsonNode layer : m.get("layers")) {
            // save wrote them uncompressed, so each stored layer is its own diff id.
            assertEquals(LayerMediaType.DOCKER_TAR.mediaType(), layer.get("mediaType").asText());
            layerDigests.add(Digest.parse(layer.get("digest").asText()));
        }
        assertEquals(image.diffIds(), layerDigests);
        assertEquals(diffIds(source, image.config()), diffIds(target, image.config()));
        assertEquals(List.of(), ingestLeftovers(target), "spool directory removed");
    }

    @Test
    void saveWritesTheLegacyLayoutWithUncompressedLayers() throws IOException {
        byte[] tar = save(List.of(new NamedImage("docker.io/library/busybox:1.36", image.manifest())));
        Map<String, byte[]> entries = entries(tar);
        String configFile = image.config().hex() + ".json";
        Digest chain0 = image.diffIds().get(0);
        Digest chain1 = DockerArchiveWriter.chainId(chain0, image.diffIds().get(1));
        Digest chain2 = DockerArchiveWriter.chainId(chain1, image.diffIds().get(2));
        List<String> layerPaths = List.of(chain0.hex() + "/layer.tar", chain1.hex() + "/layer.tar", chain2.hex() + "/layer.tar");
        assertEquals(List.of("manifest.json", "repositories", configFile, chain0.hex() + "/", layerPaths.get(0),
                chain1.hex() + "/", layerPaths.get(1), chain2.hex() + "/", layerPaths.get(2)), List.copyOf(entries.keySet()));

        JsonNode manifest = TestImages.readJson(entries.get("manifest.json"));
        assertEquals(configFile, manifest.get(0).get("Config").asText());
        assertEquals("docker.io/library/busybox:1.36", manifest.get(0).get("RepoTags").get(0).asText());
        assertEquals(layerPaths, strings(manifest.get(0).get("Layers")));
        assertEquals(chain2.hex(), TestImages.readJson(entries.get("repositories"))
                .get("docker.io/library/busybox").get("1.36").asText());
        assertEquals(image.config(), sha256(entries.get(configFile)), "config bytes unchanged: same image ID");
        for (int i = 0; i < 3; i++) {
            assertEquals(image.diffIds().get(i), sha256(entries.get(layerPaths.get(i))), "layer " + i + " uncompressed");
        }
    }

    @Test
    void saveOfAnIndexTakesTheRequestedPlatform() throws IOException {
        TestImages.Built arm = TestImages.threeLayers(source, "arm64", "arm");
        Descriptor index = TestImages.index(source, TestImages.platforms(image.manifest(), arm.manifest()));
        for (var expected : Map.of("linux/amd64", image, "linux/arm64", arm).entrySet()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DockerArchive.save(source, List.of(new NamedImage("multi:1", index)), Platform.parse(expected.getKey()), out);
            JsonNode manifest = TestImages.readJson(entries(out.toByteArray()).get("manifest.json"));
            assertEquals(expected.getValue().config().hex() + ".json", manifest.get(0).get("Config").asText(), expected.getKey());
        }
        // The three-argument save is the host's platform; this VM is amd64 (Platform.current()).
        assertEquals(Platform.parse("linux/amd64"), Platform.current());
        JsonNode host = TestImages.readJson(entries(save(List.of(new NamedImage("multi:1", index)))).get("manifest.json"));
        assertEquals(image.config().hex() + ".json", host.get(0).get("Config").asText());
    }

    @Test
    void untaggedImagesAreSavedAndLoadedWithAnEmptyName() throws IOException {
        List<NamedImage> loaded = DockerArchive.load(new ByteArrayInputStream(save(List.of(new NamedImage("", image.manifest())))), target);
        assertEquals(1, loaded.size());
        assertEquals("", loaded.getFirst().name());
        assertEquals(image.config().toString(), blobJson(target, loaded.getFirst().descriptor().digest()).get("config").get("digest").asText());
    }

    @Test
    void namesDockerLoadWouldRejectAreRefusedBeforeWriting() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String bad : List.of("busybox", "localhost:5000/busybox", "busybox@" + image.config())) {
            ArchiveException e = assertThrows(ArchiveException.class,
                    () -> DockerArchive.save(source, List.of(new NamedImage(bad, image.manifest())), out));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        TestImages.Built other = TestImages.threeLayers(source, "amd64", "other");
        ArchiveException twice = assertThrows(ArchiveException.class, () -> DockerArchive.save(source,
                List.of(new NamedImage("x:1", image.manifest()), new NamedImage("x:1", other.manifest())), out));
        assertTrue(twice.getMessage().contains("'x:1' given for two images"), twice.getMessage());
        assertEquals(0, out.size());
    }

    @Test
    void loadsTheDocker25LayoutWithCompressedLayersAndManifestJsonLast() throws IOException {
        byte[] plainTar = TestImages.tar(Map.of("etc/a", "plain\n"));
        byte[] gzipTar = TestImages.tar(Map.of("etc/b", "gzip\n"));
        byte[] zstdTar = TestImages.tar(Map.of("etc/c", "zstd\n"));
        byte[] gz = TestImages.gzip(gzipTar);
        byte[] zst = zstd(zstdTar);
        byte[] config = config(List.of(sha256(plainTar), sha256(gzipTar), sha256(zstdTar)));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        files.put("index.json", "{\"schemaVersion\":2,\"manifests\":[]}".getBytes(StandardCharsets.UTF_8));
        for (byte[] blob : List.of(plainTar, gz, zst, config)) {
            files.put(blobPath(blob), blob);
        }
        files.put("manifest.json", ("[{\"Config\":\"" + blobPath(config) + "\",\"RepoTags\":[\"x:1\"],\"Layers\":[\""
                + blobPath(plainTar) + "\",\"" + blobPath(gz) + "\",\"" + blobPath(zst) + "\"],\"LayerSources\":{}}]")
                .getBytes(StandardCharsets.UTF_8));

        List<NamedImage> loaded = DockerArchive.load(new ByteArrayInputStream(tar(files)), target);
        assertEquals("x:1", loaded.getFirst().name());
        JsonNode m = blobJson(target, loaded.getFirst().descriptor().digest());
        assertEquals(sha256(config).toString(), m.get("config").get("digest").asText());
        List<String> types = new ArrayList<>();
        List<String> digests = new ArrayList<>();
        for (JsonNode layer : m.get("layers")) {
            types.add(layer.get("mediaType").asText());
            digests.add(layer.get("digest").asText());
        }
        assertEquals(List.of(LayerMediaType.DOCKER_TAR.mediaType(), LayerMediaType.DOCKER_TAR_GZIP.mediaType(),
                LayerMediaType.OCI_TAR_ZSTD.mediaType()), types);
        assertEquals(List.of(sha256(plainTar).toString(), sha256(gz).toString(), sha256(zst).toString()), digests,
                "layers stored as archived");
    }

    @Test
    void layerThatIsNotItsDiffIdIsNamedAndNothingStays() throws IOException {
        byte[] layer = TestImages.tar(Map.of("etc/a", "real\n"));
        byte[] config = config(List.of(sha256(TestImages.tar(Map.of("etc/a", "claimed\n")))));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("abc/layer.tar", layer);
        files.put(sha256(config).hex() + ".json", config);
        files.put("manifest.json", ("[{\"Config\":\"" + sha256(config).hex() + ".json\",\"RepoTags\":[\"x:1\"],"
                + "\"Layers\":[\"abc/layer.tar\"]}]").getBytes(StandardCharsets.UTF_8));
        // Already in the store before the load: it must still be there after the failed load.
        TestImages.put(target, MediaTypes.DOCKER_CONFIG, config);
        Set<Digest> before = target.list();

        ArchiveException e = assertThrows(ArchiveException.class, () -> DockerArchive.load(new ByteArrayInputStream(tar(files)), target));
        assertTrue(e.getMessage().startsWith("docker archive: layer abc/layer.tar (manifest.json[0].Layers[0]): uncompressed"
                + " content has digest " + sha256(layer)), e.getMessage());
        assertEquals(before, target.list());
        assertEquals(List.of(), ingestLeftovers(target), "no spool directory left");
    }

    @Test
    void laterLayerFailureTakesBackTheLayersAlreadyStored() throws IOException {
        byte[] good = TestImages.tar(Map.of("etc/a", "good\n"));
        byte[] bad = TestImages.tar(Map.of("etc/b", "bad\n"));
        byte[] config = config(List.of(sha256(good), sha256("something else".getBytes(StandardCharsets.UTF_8))));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("manifest.json", ("[{\"Config\":\"c.json\",\"RepoTags\":null,\"Layers\":[\"1/layer.tar\",\"2/layer.tar\"]}]")
                .getBytes(StandardCharsets.UTF_8));
        files.put("c.json", config);
        files.put("1/layer.tar", good);
        files.put("2/layer.tar", bad);
        assertThrows(ArchiveException.class, () -> DockerArchive.load(new ByteArrayInputStream(tar(files)), target));
        assertEquals(Set.of(), target.list(), "layer 1 was stored, then removed when layer 2 failed");
        assertEquals(List.of(), ingestLeftovers(target));
    }

    @Test
    void configWhoseNameIsNotItsDigestIsRefused() throws IOException {
        byte[] config = config(List.of());
        String wrongName = sha256("other".getBytes(StandardCharsets.UTF_8)).hex() + ".json";
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(wrongName, config);
        files.put("manifest.json", ("[{\"Config\":\"" + wrongName + "\",\"RepoTags\":[],\"Layers\":[]}]").getBytes(StandardCharsets.UTF_8));
        ArchiveException e = assertThrows(ArchiveException.class, () -> DockerArchive.load(new ByteArrayInputStream(tar(files)), target));
        assertTrue(e.getMessage().contains("config " + wrongName + " (manifest.json[0].Config) has digest " + sha256(config)),
                e.getMessage());
        assertEquals(Set.of(), target.list());
    }

    @Test
    void missingManifestJsonIsNamed() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("repositories", "{}".getBytes(StandardCharsets.UTF_8));
        ArchiveException e = assertThrows(ArchiveException.class, () -> DockerArchive.load(new ByteArrayInputStream(tar(files)), target));
        assertTrue(e.getMessage().startsWith("docker archive: no manifest.json"), e.getMessage());
        assertEquals(Set.of(), target.list());
        assertEquals(List.of(), ingestLeftovers(target));
    }

    @Test
    void truncatedTarIsNamedAndLeavesNoSpool() throws IOException {
        byte[] tar = save(List.of(new NamedImage("busybox:latest", image.manifest())));
        Digest chain0 = image.diffIds().get(0);
        int cut = OciArchivesTest.dataOffset(tar, chain0.hex() + "/layer.tar") + 100;
        InputStream truncated = new ByteArrayInputStream(java.util.Arrays.copyOf(tar, cut));
        ArchiveException e = assertThrows(ArchiveException.class, () -> DockerArchive.load(truncated, target));
        assertTrue(e.getMessage().startsWith("docker archive: reading the tar failed (truncated or corrupt?)"), e.getMessage());
        assertEquals(Set.of(), target.list());
        assertEquals(List.of(), ingestLeftovers(target));
    }

    @Test
    void linksInTheArchiveAreFollowedInsideIt() throws IOException {
        byte[] layer = TestImages.tar(Map.of("etc/a", "linked\n"));
        byte[] config = config(List.of(sha256(layer)));
        // skopeo's style: the legacy path is a relative symlink to a shared file.
        List<NamedImage> loaded = DockerArchive.load(new ByteArrayInputStream(
                linkedArchive("shared.tar", layer, config, "legacy/layer.tar", "../shared.tar")), target);
        assertTrue(target.contains(sha256(layer)));
        assertEquals("l:1", loaded.getFirst().name());

        // A link aiming outside is resolved with the archive as root: it reaches the archive's own
        // etc/passwd, never the host's.
        ContentStore other = new ContentStore(tmp.resolve("other"));
        DockerArchive.load(new ByteArrayInputStream(
                linkedArchive("etc/passwd", layer, config, "evil/layer.tar", "/../../../etc/passwd")), other);
        assertTrue(other.contains(sha256(layer)));
        assertEquals(List.of(), ingestLeftovers(other));
    }

    /** An archive whose only layer is reached through the symbolic link {@code link} -> {@code target}. */
    private static byte[] linkedArchive(String fileName, byte[] layer, byte[] config, String link, String linkTarget)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            addFile(tar, fileName, layer);
            addFile(tar, "c.json", config);
            TarArchiveEntry symlink = new TarArchiveEntry(link, TarConstants.LF_SYMLINK);
            symlink.setLinkName(linkTarget);
            tar.putArchiveEntry(symlink);
            tar.closeArchiveEntry();
            addFile(tar, "manifest.json", ("[{\"Config\":\"c.json\",\"RepoTags\":[\"l:1\"],\"Layers\":[\"" + link + "\"]}]")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private byte[] save(List<NamedImage> images) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DockerArchive.save(source, images, out);
        return out.toByteArray();
    }

    private static List<Digest> diffIds(ContentStore store, Digest config) throws IOException {
        List<Digest> ids = new ArrayList<>();
        for (JsonNode id : blobJson(store, config).get("rootfs").get("diff_ids")) {
            ids.add(Digest.parse(id.asText()));
        }
        return ids;
    }

    private static byte[] config(List<Digest> diffIds) {
        String ids = String.join(",", diffIds.stream().map(d -> "\"" + d + "\"").toList());
        return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + ids + "]}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String blobPath(byte[] blob) {
        return "blobs/sha256/" + sha256(blob).hex();
    }

    private static byte[] zstd(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(bytes)) {
            z.write(data);
        }
        return bytes.toByteArray();
    }

    private static byte[] tar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                addFile(tar, f.getKey(), f.getValue());
            }
        }
        return bytes.toByteArray();
    }

    private static void addFile(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    /** Entries of a tar in order; directories map to empty content. */
    private static Map<String, byte[]> entries(byte[] tar) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
