package dev.berth.image.archive;

import dev.berth.image.layer.Decompression;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.LayerMediaType;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.manifest.Platform;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Makes a one-layer image from a root file system tar, as {@code docker import} does: the tar
 * (plain or compressed) becomes a gzip layer whose diffID is the digest of the tar exactly as given,
 * plus an OCI image config and an OCI manifest, all stored.
 */
public final class RootfsImport {
    /** The history entry's created_by, so that the image says where it came from. */
    public static final String CREATED_BY = "berth image import";

    /**
     * What the image config says. {@code os} and {@code architecture} are normalised like platforms
     * ("x86_64" becomes "amd64"); {@code cmd} and {@code labels} may be empty.
     */
    public record Options(String os, String architecture, List<String> cmd, Map<String, String> labels,
                          Instant created) {
        public Options {
            Objects.requireNonNull(created, "created");
            Platform normalised = new Platform(os, architecture, "");
            os = normalised.os();
            architecture = normalised.architecture();
            cmd = cmd == null ? List.of() : List.copyOf(cmd);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    private RootfsImport() {
    }

    /**
     * Stores the layer, config and manifest and returns the manifest's descriptor. The input must be
     * a tar with at least one entry. On failure no blob this call added stays in the store, and the
     * compressed spool file (under the store's {@code ingest/}) is always removed.
     */
    public static Descriptor create(InputStream rootfsTar, ContentStore store, Options options) throws IOException {
        AddedBlobs added = new AddedBlobs(store);
        Path spool = Files.createTempFile(store.root().resolve("ingest"), "rootfs-import-", ".tar.gz");
        try {
            Layer layer = compress(rootfsTar, spool);
            added.put(layer.blob(), layer.size(), spool);
            Descriptor layerDescriptor = new Descriptor(LayerMediaType.OCI_TAR_GZIP.mediaType(), layer.blob(),
                    layer.size(), List.of(), Map.of(), Optional.empty());
            Descriptor config = added.put(MediaTypes.OCI_CONFIG, config(options, layer.diffId()));
            byte[] manifest = JsonOut.manifest(MediaTypes.OCI_MANIFEST, config, List.of(layerDescriptor));
            return added.put(MediaTypes.OCI_MANIFEST, manifest);
        } catch (IOException | RuntimeException e) {
            added.rollback(e);
            throw e;
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    private record Layer(Digest blob, long size, Digest diffId) {
    }

    /**
     * One pass: the input is decompressed, read as a tar (so that a non-tar fails here, not at
     * unpack time), and the very bytes read are hashed for the diffID and gzip-compressed to
     * {@code spool}, whose bytes are hashed for the blob digest.
     */
    private static Layer compress(InputStream rootfsTar, Path spool) throws IOException {
        MessageDigest blobHash = LayerFacts.sha256();
        MessageDigest tarHash = LayerFacts.sha256();
        try (OutputStream file = Files.newOutputStream(spool);
             DigestOutputStream hashedFile = new DigestOutputStream(file, blobHash);
             GZIPOutputStream gzip = new GZIPOutputStream(hashedFile, 1 << 16);
             DigestOutputStream hashedTar = new DigestOutputStream(gzip, tarHash)) {
            Copying tee = new Copying(Decompression.detect(rootfsTar), hashedTar);
            int entries = countEntries(tee);
            if (entries == 0) {
                throw new ArchiveException("rootfs import: the input holds no tar entries");
            }
            // Whatever follows the end-of-archive blocks is part of the tar as given, so of its diffID.
            tee.transferTo(OutputStream.nullOutputStream());
        }
        return new Layer(LayerFacts.digest(blobHash), Files.size(spool), LayerFacts.digest(tarHash));
    }

    private static int countEntries(InputStream tarBytes) throws IOException {
        // Not closed: closing would close the tee's source before it is drained.
        TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes);
        int entries = 0;
        try {
            while (tar.getNextEntry() != null) {
                entries++;
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ArchiveException("rootfs import: input is not a valid tar (after " + entries
                    + " entries): " + e.getMessage(), e);
        }
        return entries;
    }

    /** The OCI image config (config.md) of the imported image. */
    private static byte[] config(Options options, Digest diffId) {
        String created = options.created().toString(); // ISO 8601 in UTC, as RFC 3339 requires
        return JsonOut.write(g -> {
            g.writeStartObject();
            g.writeStringField("created", created);
            g.writeStringField("architecture", options.architecture());
            g.writeStringField("os", options.os());
            g.writeObjectFieldStart("config");
            if (!options.cmd().isEmpty()) {
                JsonOut.stringArray(g, "Cmd", options.cmd());
            }
            if (!options.labels().isEmpty()) {
                JsonOut.stringMap(g, "Labels", options.labels());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("rootfs");
            g.writeStringField("type", "layers");
            JsonOut.stringArray(g, "diff_ids", List.of(diffId.toString()));
            g.writeEndObject();
            g.writeArrayFieldStart("history");
            g.writeStartObject();
            g.writeStringField("created", created);
            g.writeStringField("created_by", CREATED_BY);
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** Writes every byte read through it to {@code copy}. */
    private static final class Copying extends FilterInputStream {
        private final OutputStream copy;

        Copying(InputStream in, OutputStream copy) {
            super(in);
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                copy.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                copy.write(b, off, n);
            }
            return n;
        }

        /** Skipped bytes are read instead: each one must reach the copy. */
        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(n, 8192)];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
