package dev.berth.image.registry;

import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.manifest.Platform;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import dev.berth.image.store.Ingest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A small OCI image built in memory: three gzip tar layers (the third whites out a file of the
 * second), a config with rootfs.diff_ids over the uncompressed tars, and an OCI manifest. {@code seed}
 * goes into the file contents, so different seeds give different digests.
 */
final class TestImage {
    static final String LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final Instant MTIME = Instant.parse("2024-01-02T03:04:05Z");

    final Platform platform;
    final Descriptor config;
    final List<Descriptor> layers;
    final Descriptor manifest;
    final byte[] manifestBytes;
    /** Every blob of the image, the manifest included. */
    final Map<Digest, byte[]> blobs;

    private TestImage(Platform platform, Descriptor config, List<Descriptor> layers, Descriptor manifest,
                      byte[] manifestBytes, Map<Digest, byte[]> blobs) {
        this.platform = platform;
        this.config = config;
        this.layers = layers;
        this.manifest = manifest;
        this.manifestBytes = manifestBytes;
        this.blobs = blobs;
    }

    static TestImage build(String seed) {
        return build(seed, Platform.parse("linux/amd64"));
    }

    static TestImage build(String seed, Platform platform) {
        List<byte[]> tars = List.of(
                tar(List.of(dir("etc/"), file("etc/seed.txt", seed + "\n"), file("etc/x", "gone soon\n"))),
                tar(List.of(file("app/hello.txt", "hello " + seed + "\n"))),
                tar(List.of(file("etc/.wh.x", ""), file("app/third.txt", "third " + seed + "\n"))));
        Map<Digest, byte[]> blobs = new LinkedHashMap<>();
        List<Descriptor> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (byte[] tar : tars) {
            diffIds.add(Digest.of("sha256", tar).toString());
            layers.add(add(blobs, LAYER_GZIP, gzip(tar)));
        }
        String configJson = """
                {"architecture":"%s","os":"%s","config":{"Cmd":["/bin/sh"],"Env":["SEED=%s"]},\
                "rootfs":{"type":"layers","diff_ids":[%s]}}"""
                .formatted(platform.architecture(), platform.os(), seed,
                        diffIds.stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(",")));
        Descriptor config = add(blobs, MediaTypes.OCI_CONFIG, configJson.getBytes(StandardCharsets.UTF_8));
        String manifestJson = """
                {"schemaVersion":2,"mediaType":"%s","config":%s,"layers":[%s]}"""
                .formatted(MediaTypes.OCI_MANIFEST, json(config),
                        layers.stream().map(TestImage::json).collect(Collectors.joining(",")));
        byte[] manifestBytes = manifestJson.getBytes(StandardCharsets.UTF_8);
        Descriptor manifest = add(blobs, MediaTypes.OCI_MANIFEST, manifestBytes);
        return new TestImage(platform, config, List.copyOf(layers), manifest, manifestBytes, blobs);
    }

    /** An OCI index over {@code images}, each entry carrying its platform. */
    static byte[] indexOf(List<TestImage> images) {
        String entries = images.stream().map(i -> {
            String variant = i.platform.variant().isEmpty() ? "" : ",\"variant\":\"" + i.platform.variant() + "\"";
            return json(i.manifest).replaceFirst("}$", ",\"platform\":{\"os\":\"" + i.platform.os()
                    + "\",\"architecture\":\"" + i.platform.architecture() + "\"" + variant + "}}");
        }).collect(Collectors.joining(","));
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[" + entries + "]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static Descriptor descriptor(String mediaType, byte[] bytes) {
        return new Descriptor(mediaType, Digest.of("sha256", bytes), bytes.length, List.of(), Map.of(), Optional.empty());
    }

    /** Puts every blob (manifest included) into {@code store}. */
    void storeInto(ContentStore store) throws IOException {
        for (Map.Entry<Digest, byte[]> e : blobs.entrySet()) {
            put(store, e.getKey(), e.getValue());
        }
    }

    static void put(ContentStore store, Digest digest, byte[] bytes) throws IOException {
        if (!store.contains(digest)) {
            try (Ingest ingest = store.begin(digest, bytes.length)) {
                ingest.write(bytes);
                ingest.commit();
            }
        }
    }

    /** Writes an OCI image layout (image-layout.md) holding this image under {@code tag}. */
    Path writeOciLayout(Path dir, String tag) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        for (Map.Entry<Digest, byte[]> e : blobs.entrySet()) {
            Files.write(dir.resolve("blobs/sha256").resolve(e.getKey().hex()), e.getValue());
        }
        String entry = json(manifest).replaceFirst("}$",
                ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}");
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + entry + "]}");
        return dir;
    }

    private static String json(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    private static Descriptor add(Map<Digest, byte[]> blobs, String mediaType, byte[] bytes) {
        Descriptor d = descriptor(mediaType, bytes);
        blobs.put(d.digest(), bytes);
        return d;
    }

    private record Entry(String name, byte type, byte[] data) {
    }

    private static Entry dir(String name) {
        return new Entry(name, TarConstants.LF_DIR, null);
    }

    private static Entry file(String name, String content) {
        return new Entry(name, TarConstants.LF_NORMAL, content.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] tar(List<Entry> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (Entry e : entries) {
                TarArchiveEntry te = new TarArchiveEntry(e.name(), e.type());
                te.setModTime(Date.from(MTIME));
                te.setMode(e.type() == TarConstants.LF_DIR ? 0755 : 0644);
                if (e.data() != null) {
                    te.setSize(e.data().length);
                }
                tar.putArchiveEntry(te);
                if (e.data() != null) {
                    tar.write(e.data());
                }
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
