package dev.berth.image.archive;

import static dev.berth.image.archive.TestImages.blobJson;
import static dev.berth.image.archive.TestImages.layoutConfigDigest;
import static dev.berth.image.archive.TestImages.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * skopeo (containers/image) as the independent reader and writer of the same formats. It is part of
 * the test environment; a missing skopeo fails these tests rather than skipping them.
 */
class SkopeoInteropTest {
    private static final String SKOPEO = "/usr/bin/skopeo";

    @TempDir
    Path tmp;

    private ContentStore source;
    private TestImages.Built image;

    @BeforeEach
    void buildImage() throws IOException {
        assertTrue(Files.isExecutable(Path.of(SKOPEO)), SKOPEO + " is required for the interoperability tests");
        source = new ContentStore(tmp.resolve("source"));
        image = TestImages.threeLayers(source, "amd64", "skopeo");
    }

    @Test
    void skopeoConvertsBerthsLayoutToADockerArchiveThatBerthLoads() throws Exception {
        Path layout = tmp.resolve("layout");
        OciArchives.export(source, List.of(new NamedImage("docker.io/library/busybox:latest", image.manifest())), layout);
        Path archive = tmp.resolve("skopeo-docker.tar");
        skopeo("oci:" + layout + ":latest", "docker-archive:" + archive + ":berth/test:latest");

        ContentStore target = new ContentStore(tmp.resolve("target"));
        List<NamedImage> loaded;
        try (InputStream in = Files.newInputStream(archive)) {
            loaded = DockerArchive.load(in, target);
        }
        assertEquals(1, loaded.size());
        assertEquals("docker.io/berth/test:latest", loaded.getFirst().name(), "skopeo writes the normalised name");
        JsonNode manifest = blobJson(target, loaded.getFirst().descriptor().digest());
        assertEquals(image.config().toString(), manifest.get("config").get("digest").asText());
        List<Digest> layers = new ArrayList<>();
        manifest.get("layers").forEach(l -> layers.add(Digest.parse(l.get("digest").asText())));
        assertEquals(image.diffIds(), layers, "skopeo's docker-archive holds the layers uncompressed");
    }

    @Test
    void skopeoReadsBerthsDockerSave() throws Exception {
        Path archive = tmp.resolve("berth-save.tar");
        try (OutputStream out = Files.newOutputStream(archive)) {
            DockerArchive.save(source, List.of(new NamedImage("busybox:latest", image.manifest())), out);
        }
        Path layout = tmp.resolve("from-docker-archive");
        skopeo("docker-archive:" + archive, "oci:" + layout + ":x");
        assertEquals(image.config(), layoutConfigDigest(layout, 0));
    }

    @Test
    void skopeoReadsBerthsLayoutTar() throws Exception {
        Path archive = tmp.resolve("berth-oci.tar");
        try (OutputStream out = Files.newOutputStream(archive)) {
            OciArchives.exportTar(source, List.of(new NamedImage("busybox:latest", image.manifest())), out);
        }
        Path layout = tmp.resolve("from-oci-archive");
        skopeo("oci-archive:" + archive + ":latest", "oci:" + layout + ":x");
        assertEquals(image.config(), layoutConfigDigest(layout, 0));
        Digest manifest = Digest.parse(TestImages.readJson(layout.resolve("index.json")).get("manifests").get(0)
                .get("digest").asText());
        assertEquals(image.manifest().digest(), manifest, "OCI to OCI: skopeo keeps the manifest as is");
    }

    @Test
    void berthImportsSkopeosLayoutTar() throws Exception {
        Path layout = tmp.resolve("layout");
        OciArchives.export(source, List.of(new NamedImage("busybox:latest", image.manifest())), layout);
        Path archive = tmp.resolve("skopeo-oci.tar");
        skopeo("oci:" + layout + ":latest", "oci-archive:" + archive + ":x");

        ContentStore target = new ContentStore(tmp.resolve("target"));
        List<NamedImage> imported = OciArchives.importFrom(archive, target);
        assertEquals(1, imported.size());
        assertEquals("x", imported.getFirst().name(), "skopeo sets only ref.name");
        assertEquals(image.manifest().digest(), imported.getFirst().descriptor().digest());
        assertEquals(source.list(), target.list());
    }

    private static void skopeo(String from, String to) throws IOException, InterruptedException {
        run(List.of(SKOPEO, "--insecure-policy", "copy", "--quiet", from, to));
    }
}
