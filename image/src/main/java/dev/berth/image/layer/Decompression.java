package dev.berth.image.layer;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Layer decompression chosen by the stream's first bytes rather than by media type: registries and
 * {@code docker save} tarballs mislabel layers often enough (a "tar" that is gzip) that the magic
 * number is the only reliable signal.
 */
public final class Decompression {
    /** How a stream was compressed. */
    public enum Format { PLAIN, GZIP, ZSTD }

    private static final int MAGIC_LENGTH = 4;

    private Decompression() {
    }

    /** Returns a stream of the uncompressed bytes of {@code raw} (gzip, zstd or plain). */
    public static InputStream detect(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        return switch (peek(in)) {
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            // ZstdInputStream decodes concatenated frames, as RFC 8878 section 3.1 allows.
            case ZSTD -> new ZstdInputStream(in);
            case PLAIN -> in;
        };
    }

    /** The format of a stream that supports mark/reset, without consuming anything. */
    public static Format peek(InputStream in) throws IOException {
        if (!in.markSupported()) {
            throw new IllegalArgumentException("peek needs a stream that supports mark/reset");
        }
        in.mark(MAGIC_LENGTH);
        byte[] magic = in.readNBytes(MAGIC_LENGTH);
        in.reset();
        // RFC 1952 section 2.3.1: ID1 0x1f, ID2 0x8b.
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return Format.GZIP;
        }
        // RFC 8878 section 3.1.1: zstd frame magic 0xFD2FB528, little-endian on the wire.
        if (magic.length == MAGIC_LENGTH && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return Format.ZSTD;
        }
        return Format.PLAIN;
    }
}
