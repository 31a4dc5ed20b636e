package dev.berth.image.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.LayerMediaType;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.manifest.Platform;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import dev.berth.image.store.Ingest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds small real images in a store, and reads things back, for the archive tests. */
final class TestImages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestImages() {
    }

    /** An image built by {@link #image}: its manifest descriptor and what the manifest references. */
    record Built(Descriptor manifest, Digest config, List<Digest> diffIds, List<Digest> layerBlobs) {
    }

    /** A tar of regular files (name -> content), mtime fixed so the bytes are reproducible. */
    static byte[] tar(Map<String, String> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setMode(0100644);
                e.setSize(content.length);
                e.setModTime(1_600_000_000_000L);
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Digest sha256(byte[] data) {
        return Digest.of("sha256", data);
    }

    static Descriptor put(ContentStore store, String mediaType, byte[] content) throws IOException {
        Digest d = sha256(content);
        if (!store.contains(d)) {
            try (Ingest ingest = store.begin(d, content.length)) {
                ingest.write(content);
                ingest.commit();
            }
        }
        return new Descriptor(mediaType, d, content.length, List.of(), Map.of(), Optional.empty());
    }

    /** An OCI image of gzip layers made from {@code layerTars}, with a config listing their diff ids. */
    static Built image(ContentStore store, String architecture, List<byte[]> layerTars) throws IOException {
        List<Descriptor> layers = new ArrayList<>();
        List<Digest> diffIds = new ArrayList<>();
        for (byte[] tar : layerTars) {
            diffIds.add(sha256(tar));
            layers.add(put(store, LayerMediaType.OCI_TAR_GZIP.mediaType(), gzip(tar)));
        }
        String ids = String.join(",", diffIds.stream().map(d -> "\"" + d + "\"").toList());
        byte[] config = ("{\"architecture\":\"" + architecture + "\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + ids + "]}}").getBytes(StandardCharsets.UTF_8);
        Descriptor configDescriptor = put(store, MediaTypes.OCI_CONFIG, config);
        byte[] manifest = JsonOut.manifest(MediaTypes.OCI_MANIFEST, configDescriptor, layers);
        Descriptor m = put(store, MediaTypes.OCI_MANIFEST, manifest);
        return new Built(m, configDescriptor.digest(), diffIds, layers.stream().map(Descriptor::digest).toList());
    }

    /** A three-layer image whose layers differ by {@code salt}. */
    static Built threeLayers(ContentStore store, String architecture, String salt) throws IOException {
        return image(store, architecture, List.of(
                tar(Map.of("etc/hostname", "berth-" + salt + "\n", "etc/motd", "hello\n")),
                tar(Map.of("bin/tool", "#!/bin/sh\necho " + salt + "\n")),
                tar(Map.of("usr/share/doc/readme", "layer three " + salt + "\n"))));
    }

    /** An OCI index over {@code manifests}, each with its platform. */
    static Descriptor index(ContentStore store, Map<Descriptor, Platform> manifests) throws IOException {
        List<Descriptor> entries = new ArrayList<>();
        for (Map.Entry<Descriptor, Platform> e : manifests.entrySet()) {
            Descriptor d = e.getKey();
            entries.add(new Descriptor(d.mediaType(), d.digest(), d.size(), List.of(), Map.of(), Optional.of(e.getValue())));
        }
        return put(store, MediaTypes.OCI_INDEX, JsonOut.index(entries));
    }

    static Map<Descriptor, Platform> platforms(Descriptor amd64, Descriptor arm64) {
        Map<Descriptor, Platform> m = new LinkedHashMap<>();
        m.put(amd64, Platform.parse("linux/amd64"));
        m.put(arm64, Platform.parse("linux/arm64"));
        return m;
    }

    static JsonNode readJson(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    static JsonNode readJson(byte[] bytes) throws IOException {
        return JSON.readTree(bytes);
    }

    static JsonNode blobJson(ContentStore store, Digest d) throws IOException {
        try (InputStream in = store.open(d)) {
            return JSON.readTree(in);
        }
    }

    /** The config digest of the manifest a layout's index.json entry {@code entry} points to. */
    static Digest layoutConfigDigest(Path layout, int entry) throws IOException {
        JsonNode index = readJson(layout.resolve("index.json"));
        Digest manifest = Digest.parse(index.get("manifests").get(entry).get("digest").asText());
        JsonNode m = readJson(layout.resolve("blobs").resolve(manifest.algorithm()).resolve(manifest.hex()));
        return Digest.parse(m.get("config").get("digest").asText());
    }

    static List<String> ingestLeftovers(ContentStore store) throws IOException {
        try (Stream<Path> s = Files.list(store.root().resolve("ingest"))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** Runs a command to completion; fails the test with its output when it exits non-zero. */
    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = p.waitFor();
        assertEquals(0, status, String.join(" ", command) + " failed:\n" + output);
        return output;
    }
}
