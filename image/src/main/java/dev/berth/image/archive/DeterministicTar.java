package dev.berth.image.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes tar entries whose headers depend only on name, size and type: mtime 0, uid/gid 0, empty
 * owner names, fixed modes, so exporting the same images twice gives the same bytes (and the same
 * digest, should the tar itself be pushed or checksummed).
 *
 * <p>Long names get a PAX extended header written here rather than by commons-compress: its own PAX
 * and GNU long-name entries are created with the JVM's {@code user.name} as owner, which would make
 * the output depend on who ran the export. Sizes past the 8 GiB octal limit use the star/GNU base-256
 * encoding, which GNU tar, Go's archive/tar and commons-compress all read.
 */
final class DeterministicTar {
    /** POSIX ustar: the name field holds 100 bytes. */
    private static final int USTAR_NAME_LENGTH = 100;
    private final TarArchiveOutputStream tar;
    private int paxHeaders;

    DeterministicTar(OutputStream out) {
        tar = new TarArchiveOutputStream(out);
        // TRUNCATE only affects the ustar name field; the full name is in the PAX header before it.
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_TRUNCATE);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
    }

    void directory(String name) throws IOException {
        String dirName = name.endsWith("/") ? name : name + "/";
        TarArchiveEntry e = entry(dirName, TarConstants.LF_DIR, 040755);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    void file(String name, byte[] content) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, 0100644);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    /** Copies exactly {@code size} bytes of {@code content}; more or fewer is an error naming the entry. */
    void file(String name, long size, InputStream content) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, 0100644);
        e.setSize(size);
        tar.putArchiveEntry(e);
        // More bytes than the header says fail inside write(); fewer are caught here.
        long copied = content.transferTo(tar);
        if (copied != size) {
            throw new ArchiveException("tar entry " + name + ": source gave " + copied + " bytes, expected " + size);
        }
        tar.closeArchiveEntry();
    }

    /** Writes the end-of-archive blocks; the underlying stream stays open (the caller owns it). */
    void finish() throws IOException {
        tar.finish();
        tar.flush();
    }

    private TarArchiveEntry entry(String name, byte type, int mode) throws IOException {
        if (name.getBytes(StandardCharsets.UTF_8).length > USTAR_NAME_LENGTH) {
            writePaxPath(name);
        }
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setMode(mode);
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("");
        e.setGroupName("");
        e.setModTime(FileTime.fromMillis(0));
        return e;
    }

    /** POSIX.1-2001 pax: a typeflag 'x' entry of "%d path=%s\n" records applies to the next entry. */
    private void writePaxPath(String name) throws IOException {
        byte[] record = paxRecord("path", name);
        TarArchiveEntry pax = new TarArchiveEntry("PaxHeaders/" + paxHeaders++, TarConstants.LF_PAX_EXTENDED_HEADER_LC);
        pax.setMode(0100644);
        pax.setUserId(0);
        pax.setGroupId(0);
        pax.setUserName("");
        pax.setGroupName("");
        pax.setModTime(FileTime.fromMillis(0));
        pax.setSize(record.length);
        tar.putArchiveEntry(pax);
        tar.write(record);
        tar.closeArchiveEntry();
    }

    /** The record's leading decimal length counts the whole record, itself included. */
    static byte[] paxRecord(String key, String value) {
        int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
        int length = body + Integer.toString(body).length();
        if (Integer.toString(length).length() != Integer.toString(body).length()) {
            length++; // Adding the digits carried the length into one more digit.
        }
        return (length + " " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
