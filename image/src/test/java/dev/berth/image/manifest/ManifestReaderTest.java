package dev.berth.image.manifest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestReaderTest {

    static final String A = "sha256:" + "a".repeat(64);
    static final String B = "sha256:" + "b".repeat(64);
    static final String C = "sha256:" + "c".repeat(64);
    static final String D = "sha256:" + "d".repeat(64);

    static final String OCI_MANIFEST = """
            {
              "schemaVersion": 2,
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "%s", "size": 1472},
              "layers": [
                {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "%s", "size": 29124181},
                {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "%s", "size": 41},
                {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "%s", "size": 1024,
                 "annotations": {"org.opencontainers.image.title": "app.tar.gz"}}
              ],
              "annotations": {"org.opencontainers.image.created": "2024-05-01T00:00:00Z"}
            }
            """.formatted(A, B, C, D);

    static final String DOCKER_MANIFEST = """
            {
               "schemaVersion": 2,
               "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
               "config": {
                  "mediaType": "application/vnd.docker.container.image.v1+json",
                  "size": 7023,
                  "digest": "%s"
               },
               "layers": [
                  {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 32654, "digest": "%s"},
                  {"mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "size": 16724,
                   "digest": "%s", "urls": ["https://mcr.microsoft.com/v2/layer"]}
               ]
            }
            """.formatted(A, B, C);

    @Test
    void readsOciManifestWithThreeGzipLayers() {
        Manifest m = ManifestReader.readManifest(OCI_MANIFEST.getBytes(UTF_8));
        assertEquals(2, m.schemaVersion());
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
        assertEquals(A, m.config().digest().toString());
        assertEquals(1472, m.config().size());
        assertEquals(List.of(B, C, D), m.layers().stream().map(l -> l.digest().toString()).toList());
        assertEquals(29124181L, m.layers().get(0).size());
        assertEquals(List.of(LayerMediaType.OCI_TAR_GZIP, LayerMediaType.OCI_TAR_GZIP, LayerMediaType.OCI_TAR_GZIP),
                m.layerTypes());
        assertEquals(LayerMediaType.Compression.GZIP, m.layerTypes().get(0).compression());
        assertEquals("app.tar.gz", m.layers().get(2).annotations().get("org.opencontainers.image.title"));
        assertEquals("2024-05-01T00:00:00Z", m.annotations().get("org.opencontainers.image.created"));
        assertFalse(m.hasForeignLayers());
    }

    @Test
    void readsDockerManifestAndFlagsForeignLayer() {
        Manifest m = ManifestReader.readManifest(DOCKER_MANIFEST.getBytes(UTF_8));
        assertEquals(MediaTypes.DOCKER_MANIFEST, m.mediaType());
        assertEquals(MediaTypes.DOCKER_CONFIG, m.config().mediaType());
        assertEquals(List.of(LayerMediaType.DOCKER_TAR_GZIP, LayerMediaType.DOCKER_FOREIGN_TAR_GZIP), m.layerTypes());
        assertTrue(m.hasForeignLayers());
        assertEquals(List.of("https://mcr.microsoft.com/v2/layer"), m.layers().get(1).urls());
    }

    @Test
    void readDispatchesOnMediaTypeOrShape() {
        assertInstanceOf(ManifestReader.ManifestDocument.class, ManifestReader.read(OCI_MANIFEST.getBytes(UTF_8)));
        assertInstanceOf(ManifestReader.IndexDocument.class,
                ManifestReader.read(IndexSelectTest.MULTI_ARCH_INDEX.getBytes(UTF_8)));
        // OCI makes the top-level mediaType optional: infer from shape.
        String unlabelled = OCI_MANIFEST.replace("\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",", "");
        var doc = ManifestReader.read(unlabelled.getBytes(UTF_8));
        assertEquals(MediaTypes.OCI_MANIFEST, ((ManifestReader.ManifestDocument) doc).manifest().mediaType());
    }

    @Test
    void knowsZstdUncompressedAndNondistributableLayerTypes() {
        assertEquals(LayerMediaType.Compression.ZSTD,
                LayerMediaType.of("application/vnd.oci.image.layer.v1.tar+zstd").orElseThrow().compression());
        assertEquals(LayerMediaType.Compression.NONE,
                LayerMediaType.of("application/vnd.oci.image.layer.v1.tar").orElseThrow().compression());
        assertTrue(LayerMediaType.of("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip")
                .orElseThrow().foreign());
        assertTrue(LayerMediaType.of("application/x-unknown").isEmpty());
    }

    private static String fails(String json) {
        return assertThrows(ManifestException.class, () -> ManifestReader.readManifest(json.getBytes(UTF_8)))
                .getMessage();
    }

    @Test
    void schemaVersionOtherThanTwoNamesTheField() {
        String msg = fails(OCI_MANIFEST.replace("\"schemaVersion\": 2", "\"schemaVersion\": 1"));
        assertTrue(msg.contains("schemaVersion") && msg.contains("schema 1"), msg);
        msg = fails(OCI_MANIFEST.replace("\"schemaVersion\": 2,", ""));
        assertTrue(msg.contains("schemaVersion"), msg);
    }

    @Test
    void unknownMediaTypesNameTheField() {
        String msg = fails(OCI_MANIFEST.replace("image.manifest.v1+json", "image.manifest.v9+json"));
        assertTrue(msg.contains("'mediaType'") && msg.contains("v9"), msg);
        msg = fails(OCI_MANIFEST.replace("image.config.v1+json", "artifact.v1+json"));
        assertTrue(msg.contains("config.mediaType"), msg);
        msg = fails(DOCKER_MANIFEST.replace("rootfs.diff.tar.gzip", "rootfs.diff.tar.bz2"));
        assertTrue(msg.contains("layers[0].mediaType") && msg.contains("bz2"), msg);
    }

    @Test
    void badDigestNamesTheField() {
        String msg = fails(OCI_MANIFEST.replace(C, "sha256:XYZ"));
        assertTrue(msg.contains("layers[1].digest") && msg.contains("sha256:XYZ"), msg);
        msg = fails(OCI_MANIFEST.replace(A, "md5:" + "a".repeat(32)));
        assertTrue(msg.contains("config.digest") && msg.contains("unsupported algorithm"), msg);
    }

    @Test
    void malformedStructureNamesTheField() {
        assertTrue(fails(OCI_MANIFEST.replace("\"size\": 41", "\"size\": -1")).contains("layers[1].size"));
        assertTrue(fails(OCI_MANIFEST.replace("\"size\": 41", "\"size\": \"41\"")).contains("layers[1].size"));
        assertTrue(fails(OCI_MANIFEST.replace("\"layers\"", "\"layerz\"")).contains("'layers'"));
        assertTrue(fails(OCI_MANIFEST.replace("\"app.tar.gz\"", "7")).contains("layers[2].annotations"));
        assertTrue(fails("[1,2]").contains("JSON object"));
        assertTrue(fails("{\"schemaVersion\": 2,").contains("invalid JSON"));
        assertTrue(fails(OCI_MANIFEST + "{}").contains("trailing"));
        assertTrue(fails("{\"schemaVersion\": 2, \"schemaVersion\": 2}").contains("duplicate key 'schemaVersion'"));
    }
}
