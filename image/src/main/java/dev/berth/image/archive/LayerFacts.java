package dev.berth.image.archive;

import dev.berth.image.layer.Decompression;
import dev.berth.image.manifest.LayerMediaType;
import dev.berth.image.store.Digest;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What one read of a layer blob tells: the blob's own digest and size, its compression (by magic
 * number, see {@link Decompression}), and the digest and size of the uncompressed tar, which is the
 * diffID an image config lists (image-spec config.md, "rootfs.diff_ids").
 */
record LayerFacts(Digest blob, long size, Decompression.Format format, Digest diffId, long uncompressedSize) {

    static LayerFacts measure(InputStream raw) throws IOException {
        MessageDigest blobHash = sha256();
        MessageDigest tarHash = sha256();
        Counting counted = new Counting(raw);
        DigestInputStream hashedRaw = new DigestInputStream(counted, blobHash);
        BufferedInputStream buffered = new BufferedInputStream(hashedRaw, 1 << 16);
        Decompression.Format format = Decompression.peek(buffered);
        DigestInputStream tar = new DigestInputStream(Decompression.detect(buffered), tarHash);
        long uncompressed = tar.transferTo(OutputStream.nullOutputStream());
        // Bytes after the compressed stream's end are still part of the blob and of its digest.
        hashedRaw.transferTo(OutputStream.nullOutputStream());
        return new LayerFacts(digest(blobHash), counted.count, format, digest(tarHash), uncompressed);
    }

    /** The media type a docker archive's layer gets: Docker's own types, OCI's for zstd (Docker has none). */
    LayerMediaType dockerMediaType() {
        return switch (format) {
            case PLAIN -> LayerMediaType.DOCKER_TAR;
            case GZIP -> LayerMediaType.DOCKER_TAR_GZIP;
            case ZSTD -> LayerMediaType.OCI_TAR_ZSTD;
        };
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256 (MessageDigest javadoc).
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    static Digest digest(MessageDigest md) {
        return new Digest("sha256", HexFormat.of().formatHex(md.digest()));
    }

    /** Counts the bytes read through it. */
    static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
