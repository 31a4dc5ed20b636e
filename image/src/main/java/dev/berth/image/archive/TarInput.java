package dev.berth.image.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A tar being read, whose read failures name the archive: commons-compress reports a cut-off tar as
 * a bare "Truncated TAR archive", which says nothing about which input was cut off.
 */
final class TarInput implements AutoCloseable {
    private final TarArchiveInputStream tar;
    private final String what;
    private final InputStream content;

    TarInput(InputStream in, String what) {
        this.tar = new TarArchiveInputStream(in);
        this.what = what;
        this.content = new FilterInputStream(tar) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw failed(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    throw failed(e);
                }
            }

            @Override
            public void close() {
                // The entry's stream is the tar's; only TarInput.close ends it.
            }
        };
    }

    /** The next entry, or null at the end (commons-compress also ends quietly at a cut between entries). */
    TarArchiveEntry next() throws ArchiveException {
        try {
            return tar.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
            throw failed(e);
        }
    }

    /** The current entry's data. */
    InputStream content() {
        return content;
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }

    private ArchiveException failed(Exception e) {
        if (e instanceof ArchiveException a) {
            return a;
        }
        return new ArchiveException(what + ": reading the tar failed (truncated or corrupt?): " + e.getMessage(), e);
    }
}
