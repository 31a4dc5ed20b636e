package dev.berth.image.layer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds layer tars in memory, including malicious ones (names are written verbatim). */
final class TarBuilder {
    static final Instant MTIME = Instant.parse("2020-01-02T03:04:05Z");
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

    TarBuilder() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    TarBuilder dir(String name, int mode) {
        return add(entry(name, TarConstants.LF_DIR, e -> e.setMode(mode)), null);
    }

    TarBuilder file(String name, String content) {
        return file(name, content, 0644, e -> { });
    }

    TarBuilder file(String name, String content, int mode, Consumer<TarArchiveEntry> extra) {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, x -> {
            x.setMode(mode);
            x.setSize(data.length);
        });
        extra.accept(e);
        return add(e, data);
    }

    TarBuilder symlink(String name, String target) {
        return add(entry(name, TarConstants.LF_SYMLINK, e -> e.setLinkName(target)), null);
    }

    TarBuilder hardlink(String name, String target) {
        return add(entry(name, TarConstants.LF_LINK, e -> e.setLinkName(target)), null);
    }

    TarBuilder charDevice(String name, int major, int minor) {
        return add(entry(name, TarConstants.LF_CHR, e -> {
            e.setDevMajor(major);
            e.setDevMinor(minor);
        }), null);
    }

    private static TarArchiveEntry entry(String name, byte type, Consumer<TarArchiveEntry> setup) {
        // preserveAbsolutePath=true: otherwise commons-compress strips leading '/' on writing.
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setModTime(Date.from(MTIME));
        setup.accept(e);
        return e;
    }

    private TarBuilder add(TarArchiveEntry e, byte[] data) {
        try {
            tar.putArchiveEntry(e);
            if (data != null) {
                tar.write(data);
            }
            tar.closeArchiveEntry();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return this;
    }

    byte[] bytes() {
        try {
            tar.finish();
            tar.close();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    InputStream stream() {
        return new ByteArrayInputStream(bytes());
    }

    InputStream gzipStream() {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(bytes());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return new ByteArrayInputStream(gz.toByteArray());
    }
}
