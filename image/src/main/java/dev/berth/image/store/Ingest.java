package dev.berth.image.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * One in-progress write of a blob: bytes go to a private file under {@code root/ingest} and are
 * hashed as they are written. Nothing is visible under {@code blobs/} until {@link #commit()} has
 * checked size and digest. Closing without committing deletes the ingest file. Not thread-safe.
 */
public final class Ingest extends OutputStream {
    private final ContentStore store;
    private final Digest expected;
    private final long expectedSize;
    private final Path file;
    private final FileChannel channel;
    private final MessageDigest hasher;
    private long written;
    private boolean finished;

    Ingest(ContentStore store, Digest expected, long expectedSize, Path file, FileChannel channel) {
        this.store = store;
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.file = file;
        this.channel = channel;
        this.hasher = Digest.newMessageDigest(expected.algorithm());
    }

    /** The ingest file (under {@code root/ingest}) while the write is in progress. */
    public Path file() {
        return file;
    }

    public long written() {
        return written;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        if (expectedSize >= 0 && written + len > expectedSize) {
            // Refuse early: an oversized stream can never match and could fill the disk.
            throw new ContentException(expected + ": size mismatch: more than the expected "
                    + expectedSize + " bytes written");
        }
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        hasher.update(b, off, len);
        written += len;
    }

    /**
     * Verifies size and digest, fsyncs, and publishes the blob. If the blob already exists (a
     * concurrent pull won), this ingest is dropped. On any failure the ingest file is removed and
     * nothing becomes visible.
     *
     * @return the blob's path in the store
     */
    public Path commit() throws IOException {
        ensureOpen();
        try {
            if (expectedSize >= 0 && written != expectedSize) {
                throw new ContentException(expected + ": size mismatch: got " + written
                        + " bytes, expected " + expectedSize);
            }
            Digest actual = new Digest(expected.algorithm(), HexFormat.of().formatHex(hasher.digest()));
            if (!actual.equals(expected)) {
                throw new ContentException(expected + ": digest mismatch: got " + actual
                        + ", expected " + expected);
            }
            // fsync(2) before publishing: otherwise a crash after the link could leave a blob
            // whose name claims content that never reached the disk.
            channel.force(true);
            return store.publish(expected, file);
        } finally {
            finish();
        }
    }

    /** Drops the write; the ingest file is removed. Idempotent. */
    public void abort() throws IOException {
        if (!finished) {
            finish();
        }
    }

    /** Same as {@link #abort()} unless already committed. */
    @Override
    public void close() throws IOException {
        abort();
    }

    private void finish() throws IOException {
        finished = true;
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(file);
            store.forget(file);
        }
    }

    private void ensureOpen() throws IOException {
        if (finished) {
            throw new IOException(expected + ": ingest " + file + " already committed or aborted");
        }
    }
}
