package dev.berth.image.layer;

import dev.berth.linux.FileSystemCalls;
import dev.berth.linux.SyscallException;
import dev.berth.linux.Xattrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Applies a tar entry's owner, mode, xattrs and mtime to what the unpacker created, in the order
 * the kernel requires, by path and without opening anything: Java's NOFOLLOW chmod and setTimes
 * open the file, which blocks on a fifo and opens a device node.
 */
final class EntryMetadata {
    /**
     * overlayfs' own xattrs (trusted.overlay.opaque, .redirect, .metacopy, ...) steer how it
     * resolves names across layers; a layer that carried them could make overlayfs show files
     * the image never had (overlayfs.rst warns about handcrafted REDIRECT and METACOPY xattrs).
     * berth writes the one it needs, opaque, itself from the OCI markers.
     */
    private static final String OVERLAY_XATTR_PREFIX = "trusted.overlay.";

    private final List<String> skipped;
    /** Directory mtimes are set last: creating children afterwards would change them again. */
    private final List<Map.Entry<Path, Instant>> directoryTimes = new ArrayList<>();

    EntryMetadata(List<String> skipped) {
        this.skipped = skipped;
    }

    void apply(TarArchiveEntry entry, Path path, Map<String, byte[]> xattrs) throws IOException {
        if (entry.isLink()) {
            // A hardlink shares the source's inode: re-applying owner/mode here would chown(2) it
            // again, which clears set-user-ID/set-group-ID bits and file capabilities.
            return;
        }
        boolean symlink = entry.isSymbolicLink();
        // lchown(2): with NOFOLLOW_LINKS the owner of a symlink itself is changed, not its target.
        Files.setAttribute(path, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        if (!symlink) {
            // After chown: chown(2) clears the set-user-ID and set-group-ID bits. A symlink's own
            // mode is always 0777 on Linux and chmod would follow it, so it is left alone.
            chmod(entry, path);
        }
        // After chown too: chown(2) also drops security.capability (capabilities(7), "File
        // capabilities"), so the xattrs come once the owner is final.
        applyXattrs(entry, path, xattrs);
        Instant mtime = entry.getLastModifiedTime().toInstant();
        if (entry.isDirectory()) {
            directoryTimes.add(Map.entry(path, mtime));
        } else {
            setModifiedTime(path, mtime);
        }
    }

    private static void chmod(TarArchiveEntry entry, Path path) throws LayerException {
        try {
            FileSystemCalls.chmod(path, entry.getMode() & 07777);
        } catch (SyscallException e) {
            throw new LayerException("entry '" + entry.getName() + "': " + e.getMessage(), e);
        }
    }

    private void applyXattrs(TarArchiveEntry entry, Path path, Map<String, byte[]> xattrs) throws LayerException {
        for (Map.Entry<String, byte[]> xattr : xattrs.entrySet()) {
            String name = xattr.getKey();
            String where = "xattr '" + name + "' of '" + entry.getName() + "'";
            if (name.startsWith(OVERLAY_XATTR_PREFIX)) {
                skipped.add(where + " skipped: overlayfs metadata is only written from whiteout markers");
                continue;
            }
            try {
                Xattrs.set(path, name, xattr.getValue());
            } catch (SyscallException e) {
                // EOPNOTSUPP: the target filesystem has no such namespace; EPERM on a symlink:
                // user.* xattrs are only allowed on files and directories (xattr(7)).
                boolean unsupported = e.errnoName().equals("EOPNOTSUPP")
                        || (e.errnoName().equals("EPERM") && entry.isSymbolicLink() && name.startsWith("user."));
                if (!unsupported) {
                    throw new LayerException("entry '" + entry.getName() + "': " + e.getMessage(), e);
                }
                skipped.add(where + " skipped: " + e.getMessage());
            }
        }
    }

    /** lsetxattr, the error naming the entry. */
    static void setXattr(Path path, String name, byte[] value, String entryName) throws LayerException {
        try {
            Xattrs.set(path, name, value);
        } catch (SyscallException e) {
            throw new LayerException("entry '" + entryName + "': " + e.getMessage(), e);
        }
    }

    void applyDirectoryTimes() throws IOException {
        for (Map.Entry<Path, Instant> dir : directoryTimes.reversed()) {
            if (Files.isDirectory(dir.getKey(), LinkOption.NOFOLLOW_LINKS)) {
                setModifiedTime(dir.getKey(), dir.getValue());
            }
        }
    }

    private static void setModifiedTime(Path path, Instant mtime) throws LayerException {
        try {
            FileSystemCalls.setModifiedTime(path, mtime);
        } catch (SyscallException e) {
            throw new LayerException(e.getMessage(), e);
        }
    }
}
