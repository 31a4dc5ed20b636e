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
public final class TarBuilder {
    public static final Instant MTIME = Instant.parse("2020-01-02T03:04:05Z");
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

    public TarBuilder() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    public TarBuilder dir(String name, int mode) {
        return add(entry(name, TarConstants.LF_DIR, e -> e.setMode(mode)), null);
    }

    public TarBuilder file(String name, String content) {
        return file(name, content, 0644, e -> { });
    }

    public TarBuilder file(String name, String content, int mode, Consumer<TarArchiveEntry> extra) {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, x -> {
            x.setMode(mode);
            x.setSize(data.length);
        });
        extra.accept(e);
        return add(e, data);
    }

    public TarBuilder symlink(String name, String target) {
        return add(entry(name, TarConstants.LF_SYMLINK, e -> e.setLinkName(target)), null);
    }

    public TarBuilder hardlink(String name, String target) {
        return add(entry(name, TarConstants.LF_LINK, e -> e.setLinkName(target)), null);
    }

    public TarBuilder charDevice(String name, int major, int minor) {
        return add(entry(name, TarConstants.LF_CHR, e -> {
            e.setDevMajor(major);
            e.setDevMinor(minor);
        }), null);
    }

    public TarBuilder blockDevice(String name, int major, int minor) {
        return add(entry(name, TarConstants.LF_BLK, e -> {
            e.setDevMajor(major);
            e.setDevMinor(minor);
        }), null);
    }

    public TarBuilder fifo(String name, int mode) {
        return add(entry(name, TarConstants.LF_FIFO, e -> e.setMode(mode)), null);
    }

    /**
     * A PAX extended header ('x') with these records as raw bytes, for the entry added next: what
     * Go's archive/tar writes for binary xattrs, and what commons-compress' own writer cannot
     * (its addPaxHeader takes Strings and encodes them as UTF-8).
     */
    public TarBuilder rawPaxHeader(String forName, java.util.Map<String, byte[]> records) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (var record : records.entrySet()) {
            byte[] key = (" " + record.getKey() + "=").getBytes(StandardCharsets.UTF_8);
            int bodyLength = key.length + record.getValue().length + 1;
            // The length prefix counts itself: grow it until the total is consistent.
            int length = bodyLength + 1;
            while (String.valueOf(length).length() + bodyLength != length) {
                length = String.valueOf(length).length() + bodyLength;
            }
            content.writeBytes(String.valueOf(length).getBytes(StandardCharsets.US_ASCII));
            content.writeBytes(key);
            content.writeBytes(record.getValue());
            content.write('\n');
        }
        byte[] data = content.toByteArray();
        return add(entry("PaxHeaders/" + forName, TarConstants.LF_PAX_EXTENDED_HEADER_LC,
                e -> e.setSize(data.length)), data);
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

    public byte[] bytes() {
        try {
            tar.finish();
            tar.close();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    public InputStream stream() {
        return new ByteArrayInputStream(bytes());
    }

    public InputStream gzipStream() {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(bytes());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return new ByteArrayInputStream(gz.toByteArray());
    }
}
