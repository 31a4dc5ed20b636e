package dev.berth.image.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.image.archive.RootfsImport;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.manifest.Platform;
import dev.berth.image.registry.Reference;
import dev.berth.image.store.Digest;
import dev.berth.image.store.Ingest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** image history on real stores: an imported root filesystem, and a built image with empty_layer steps. */
class ImageHistoryTest {
    private static final Platform HERE = Platform.current();
    private static final String LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    @TempDir
    Path tmp;

    private ImageService open() throws IOException {
        return ImageService.open(tmp.resolve("root"), new RegistryOptions(Set.of(), tmp.resolve("no-config.json")));
    }

    @Test
    void importedRootfsHasOneStepNamingTheImport() throws Exception {
        ImageService images = open();
        Path tar = BusyboxRootfs.writeTar(tmp.resolve("busybox.tar"));
        images.importImage(tar, "imported:1", List.of("sh"), Map.of());
        LocalImage image = images.find("imported:1", HERE);

        List<HistoryEntry> history = images.history("imported:1", HERE);
        assertEquals(1, history.size());
        HistoryEntry only = history.getFirst();
        assertEquals(image.id(), only.imageId());
        assertEquals(RootfsImport.CREATED_BY, only.createdBy());
        assertEquals(image.config().created(), only.created());
        assertEquals(image.manifest().layers().getFirst().size(), only.size());
        assertEquals(false, only.emptyLayer());
        assertNull(only.comment());
        assertEquals(history, images.history(image.id().hex().substring(0, 12), HERE), "by ID too");
    }

    @Test
    void layersGoToTheNonEmptyStepsInOrderNewestFirst() throws IOException {
        ImageService images = open();
        List<Descriptor> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (String content : List.of("base", "app files", "more app files, a bigger layer than the others")) {
            byte[] tar = tar(content);
            diffIds.add(Digest.of("sha256", tar).toString());
            layers.add(put(images, LAYER_GZIP, gzip(tar)));
        }
        String history = """
                [{"created":"2024-01-01T00:00:00Z","created_by":"/bin/sh -c #(nop) ADD file:abc in / "},
                 {"created":"2024-01-01T00:00:01Z","created_by":"/bin/sh -c #(nop)  CMD [\\"sh\\"]","empty_layer":true},
                 {"created":"2024-01-02T00:00:00Z","created_by":"COPY app /app # buildkit","comment":"buildkit.dockerfile.v0"},
                 {"created":"2024-01-02T00:00:01Z","created_by":"ENV A=1","empty_layer":true},
                 {"created":"2024-01-03T00:00:00Z","created_by":"RUN make","empty_layer":false},
                 {"created":"2024-01-03T00:00:01Z","created_by":"LABEL x=y","empty_layer":true}]""";
        Descriptor config = put(images, MediaTypes.OCI_CONFIG, ("{\"architecture\":\"" + HERE.architecture()
                + "\",\"os\":\"" + HERE.os() + "\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + diffIds.stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(",")) + "]},\"history\":"
                + history + "}").getBytes(StandardCharsets.UTF_8));
        Descriptor manifest = put(images, MediaTypes.OCI_MANIFEST, ("{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST + "\",\"config\":" + json(config) + ",\"layers\":["
                + layers.stream().map(ImageHistoryTest::json).collect(Collectors.joining(",")) + "]}")
                .getBytes(StandardCharsets.UTF_8));
        images.names().put(Reference.parse("built:1").toString(), manifest);

        List<HistoryEntry> steps = images.history("built:1", HERE);
        assertEquals(List.of(
                new HistoryEntry(config.digest(), "2024-01-03T00:00:01Z", "LABEL x=y", null, true, 0),
                new HistoryEntry(null, "2024-01-03T00:00:00Z", "RUN make", null, false, layers.get(2).size()),
                new HistoryEntry(null, "2024-01-02T00:00:01Z", "ENV A=1", null, true, 0),
                new HistoryEntry(null, "2024-01-02T00:00:00Z", "COPY app /app # buildkit", "buildkit.dockerfile.v0",
                        false, layers.get(1).size()),
                new HistoryEntry(null, "2024-01-01T00:00:01Z", "/bin/sh -c #(nop)  CMD [\"sh\"]", null, true, 0),
                new HistoryEntry(null, "2024-01-01T00:00:00Z", "/bin/sh -c #(nop) ADD file:abc in / ", null, false,
                        layers.get(0).size())), steps);
        assertTrue(layers.get(2).size() > layers.get(1).size(), "sizes are told apart");
    }

    @Test
    void aConfigWithoutHistoryShowsOneUnnamedStepPerLayer() throws IOException {
        ImageService images = open();
        byte[] tar = tar("x");
        Descriptor layer = put(images, LAYER_GZIP, gzip(tar));
        Descriptor config = put(images, MediaTypes.OCI_CONFIG, ("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + Digest.of("sha256", tar) + "\"]}}").getBytes(StandardCharsets.UTF_8));
        Descriptor manifest = put(images, MediaTypes.OCI_MANIFEST, ("{\"schemaVersion\":2,\"config\":" + json(config)
                + ",\"layers\":[" + json(layer) + "]}").getBytes(StandardCharsets.UTF_8));
        images.names().put(Reference.parse("bare:1").toString(), manifest);
        assertEquals(List.of(new HistoryEntry(config.digest(), null, null, null, false, layer.size())),
                images.history("bare:1", HERE));
    }

    @Test
    void unknownImageIsAnError() throws IOException {
        ImageException e = assertThrows(ImageException.class, () -> open().history("nothing:here", HERE));
        assertTrue(e.getMessage().contains("nothing"), e.getMessage());
    }

    private static Descriptor put(ImageService images, String mediaType, byte[] bytes) throws IOException {
        Digest digest = Digest.of("sha256", bytes);
        try (Ingest ingest = images.content().begin(digest, bytes.length)) {
            ingest.write(bytes);
            ingest.commit();
        }
        return new Descriptor(mediaType, digest, bytes.length, List.of(), Map.of(), Optional.empty());
    }

    private static String json(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    private static byte[] tar(String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry("file.txt");
            entry.setSize(data.length);
            tar.putArchiveEntry(entry);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
