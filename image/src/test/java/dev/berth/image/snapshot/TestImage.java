package dev.berth.image.snapshot;

import dev.berth.image.layer.TarBuilder;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Manifest;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import dev.berth.image.store.Ingest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/** An image put into a real ContentStore: gzip layer blobs, a config blob, and the manifest. */
record TestImage(Manifest manifest, List<Digest> diffIds) {
    static final String GZIP_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    /**
     * Three layers: the first makes a small tree, the second deletes {@code gone.txt} with a
     * whiteout and makes {@code opaque/} opaque (replacing its two children with one), the third
     * adds a file and a hardlink to it.
     */
    static TestImage threeLayers(ContentStore store) throws IOException {
        List<byte[]> tars = List.of(
                new TarBuilder()
                        .dir("etc/", 0755).file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
                        .file("gone.txt", "doomed")
                        .dir("opaque/", 0755).file("opaque/old1", "o").file("opaque/sub/old2", "o")
                        .dir("tmp/", 01777)
                        .file("bin/tool", "#!tool", 04755, e -> e.addPaxHeader("SCHILY.xattr.trusted.berth", "t"))
                        .charDevice("dev/null", 1, 3)
                        .bytes(),
                new TarBuilder()
                        .file(".wh.gone.txt", "")
                        .dir("opaque/", 0750).file("opaque/.wh..wh..opq", "").file("opaque/new", "n")
                        .bytes(),
                new TarBuilder()
                        .file("etc/motd", "hello\n").hardlink("etc/motd-link", "etc/motd")
                        .bytes());
        return of(store, tars);
    }

    /** An image of the given uncompressed layer tars. */
    static TestImage of(ContentStore store, List<byte[]> tars) throws IOException {
        List<Descriptor> layers = new ArrayList<>();
        List<Digest> diffIds = new ArrayList<>();
        for (byte[] tar : tars) {
            byte[] blob = gzip(tar);
            layers.add(descriptor(GZIP_LAYER, put(store, blob), blob.length));
            diffIds.add(Digest.of("sha256", tar));
        }
        StringBuilder config = new StringBuilder("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{"
                + "\"type\":\"layers\",\"diff_ids\":[");
        for (int i = 0; i < diffIds.size(); i++) {
            config.append(i == 0 ? "" : ",").append('"').append(diffIds.get(i)).append('"');
        }
        byte[] configBytes = config.append("]}}").toString().getBytes(StandardCharsets.UTF_8);
        Descriptor configDescriptor = descriptor(MediaTypes.OCI_CONFIG, put(store, configBytes), configBytes.length);
        return new TestImage(new Manifest(2, MediaTypes.OCI_MANIFEST, configDescriptor, layers, Map.of()), diffIds);
    }

    private static Descriptor descriptor(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, List.of(), Map.of(), Optional.empty());
    }

    private static Digest put(ContentStore store, byte[] data) throws IOException {
        Digest digest = Digest.of("sha256", data);
        try (Ingest in = store.begin(digest, data.length)) {
            in.write(data);
            in.commit();
        }
        return digest;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
