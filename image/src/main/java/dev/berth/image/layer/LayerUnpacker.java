package dev.berth.image.layer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks one OCI image layer (a tar, optionally gzip-compressed) into a directory, never writing
 * outside it. See the OCI image spec, layer.md, for the changeset and whiteout format.
 *
 * <p>Must run as root: ownership is applied with chown. Not thread-safe per target.
 */
public final class LayerUnpacker {
    static final String WHITEOUT_PREFIX = ".wh.";
    static final String OPAQUE_MARKER = ".wh..wh..opq";
    private static final String XATTR_PAX_PREFIX = "SCHILY.xattr.";
    private static final String USER_XATTR_PREFIX = "user.";

    private final Path root;
    private final Mode mode;
    private final DeviceHandling deviceHandling;
    /** Paths written by this layer: an opaque marker only hides what earlier layers left. */
    private final Set<Path> writtenByThisLayer = new HashSet<>();
    /** Directory mtimes are set last: creating children afterwards would change them again. */
    private final List<Map.Entry<Path, FileTime>> directoryTimes = new ArrayList<>();
    private final List<Path> whiteouts = new ArrayList<>();
    private final List<Path> opaqueDirectories = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();

    private LayerUnpacker(Path root, Mode mode, DeviceHandling deviceHandling) {
        this.root = root;
        this.mode = mode;
        this.deviceHandling = deviceHandling;
    }

    /** Unpacks {@code layer} into {@code target}, refusing device and fifo entries. */
    public static UnpackResult unpack(InputStream layer, Path target, Mode mode) throws IOException {
        return unpack(layer, target, mode, DeviceHandling.REFUSE);
    }

    /**
     * Unpacks {@code layer} (plain or gzip tar, detected by magic bytes) into the existing
     * directory {@code target}.
     *
     * @throws UnsafeLayerException      an entry would escape {@code target}
     * @throws UnsupportedLayerException zstd compression, or a device/fifo under REFUSE
     * @throws LayerException            any other malformed entry
     */
    public static UnpackResult unpack(InputStream layer, Path target, Mode mode, DeviceHandling devices)
            throws IOException {
        // Resolve the target once, so that relativize() in messages and checks is on real paths.
        Path root = target.toRealPath();
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new LayerException("unpack target '" + target + "' is not a directory");
        }
        LayerUnpacker unpacker = new LayerUnpacker(root, mode, devices);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Decompression.detect(layer))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                unpacker.apply(entry, tar);
            }
        }
        unpacker.applyDirectoryTimes();
        return new UnpackResult(unpacker.whiteouts, unpacker.opaqueDirectories, unpacker.skipped);
    }

    private void apply(TarArchiveEntry entry, InputStream content) throws IOException {
        String name = entry.getName();
        List<String> parts = SafePaths.components("entry", name);
        if (parts.isEmpty()) {
            // "./" itself: the root's own metadata is the snapshot owner's business, not the layer's.
            return;
        }
        String base = parts.getLast();
        if (base.equals(OPAQUE_MARKER)) {
            opaque(parts, name);
        } else if (base.startsWith(WHITEOUT_PREFIX)) {
            whiteout(parts, base.substring(WHITEOUT_PREFIX.length()), name);
        } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            device(entry, parts);
        } else {
            Path path = SafePaths.resolveParentsSafely(root, parts, name, true);
            createEntry(entry, parts, path, content);
            // Implicit parents count too, or a later opaque marker above them would delete them.
            for (Path p = path; !p.equals(root); p = p.getParent()) {
                writtenByThisLayer.add(p);
            }
            applyMetadata(entry, path);
        }
    }

    private void createEntry(TarArchiveEntry entry, List<String> parts, Path path, InputStream content)
            throws IOException {
        String name = entry.getName();
        if (entry.isDirectory()) {
            BasicFileAttributes existing = SafePaths.attributesOrNull(path);
            if (existing == null || !existing.isDirectory()) {
                removeExisting(path);
                Files.createDirectory(path);
            }
        } else if (entry.isSymbolicLink()) {
            SafePaths.checkSymlinkTarget(parts, entry.getLinkName(), name);
            removeExisting(path);
            Files.createSymbolicLink(path, path.getFileSystem().getPath(entry.getLinkName()));
        } else if (entry.isLink()) {
            Path source = SafePaths.resolveParentsSafely(root,
                    SafePaths.components("hardlink '" + name + "' to", entry.getLinkName()), name, false);
            BasicFileAttributes sourceAttrs = SafePaths.attributesOrNull(source);
            if (sourceAttrs == null || sourceAttrs.isDirectory() || source.equals(root)) {
                throw new LayerException("hardlink '" + name + "': target '" + entry.getLinkName()
                        + "' does not exist in the layer root or is a directory");
            }
            if (source.equals(path)) {
                throw new LayerException("hardlink '" + name + "': links to itself");
            }
            removeExisting(path);
            // link(2) on Linux does not follow a symlink source, so this links the entry itself.
            Files.createLink(path, source);
        } else if (entry.isFile()) {
            removeExisting(path);
            // CREATE_NEW is O_CREAT|O_EXCL: fails rather than following a symlink planted here.
            try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                content.transferTo(out);
            }
        } else {
            throw new UnsupportedLayerException("entry '" + name + "': unsupported tar entry type '"
                    + (char) entry.getLinkFlag() + "'");
        }
    }

    private void device(TarArchiveEntry entry, List<String> parts) throws IOException {
        String kind = entry.isFIFO() ? "fifo" : entry.isCharacterDevice() ? "character device" : "block device";
        String note = kind + " '" + entry.getName() + "' (" + entry.getDevMajor() + ":" + entry.getDevMinor() + ")";
        if (deviceHandling == DeviceHandling.REFUSE) {
            throw new UnsupportedLayerException(note + ": the JVM cannot mknod(2); unpack with DeviceHandling.SKIP");
        }
        SafePaths.resolveParentsSafely(root, parts, entry.getName(), true);
        skipped.add(note + " skipped: mknod is not available to the JVM");
    }

    private void whiteout(List<String> parts, String hiddenName, String entryName) throws IOException {
        if (hiddenName.isEmpty() || hiddenName.equals(".") || hiddenName.equals("..")) {
            throw new UnsafeLayerException("whiteout '" + entryName + "': invalid hidden name '" + hiddenName + "'");
        }
        List<String> hiddenParts = new ArrayList<>(parts.subList(0, parts.size() - 1));
        hiddenParts.add(hiddenName);
        Path hidden = SafePaths.resolveParentsSafely(root, hiddenParts, entryName, false);
        if (mode == Mode.OVERLAY) {
            whiteouts.add(root.relativize(hidden));
        } else {
            removeExisting(hidden);
        }
    }

    private void opaque(List<String> parts, String entryName) throws IOException {
        Path directory = SafePaths.resolveParentsSafely(root, parts, entryName, true).getParent();
        if (mode == Mode.OVERLAY) {
            opaqueDirectories.add(root.relativize(directory));
            return;
        }
        try (var children = Files.list(directory)) {
            for (Path child : children.toList()) {
                if (!writtenByThisLayer.contains(child)) {
                    removeExisting(child);
                }
            }
        }
    }

    private void applyMetadata(TarArchiveEntry entry, Path path) throws IOException {
        if (entry.isLink()) {
            // A hardlink shares the source's inode: re-applying owner/mode here would chown(2) it
            // again, which clears set-user-ID/set-group-ID bits the source entry just set.
            return;
        }
        boolean symlink = entry.isSymbolicLink();
        // lchown(2): with NOFOLLOW_LINKS the owner of a symlink itself is changed, not its target.
        Files.setAttribute(path, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        if (!symlink) {
            // After chown: chown(2) clears the set-user-ID and set-group-ID bits.
            // unix:mode (chmod) rather than PosixFilePermissions, which cannot carry 07000 bits.
            Files.setAttribute(path, "unix:mode", entry.getMode() & 07777, LinkOption.NOFOLLOW_LINKS);
            applyXattrs(entry, path);
        }
        FileTime mtime = FileTime.from(entry.getLastModifiedTime().toInstant());
        if (entry.isDirectory()) {
            directoryTimes.add(Map.entry(path, mtime));
        } else {
            Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(mtime, null, null);
        }
    }

    private void applyXattrs(TarArchiveEntry entry, Path path) throws IOException {
        for (Map.Entry<String, String> header : entry.getExtraPaxHeaders().entrySet()) {
            if (!header.getKey().startsWith(XATTR_PAX_PREFIX)) {
                continue;
            }
            String xattr = header.getKey().substring(XATTR_PAX_PREFIX.length());
            if (!xattr.startsWith(USER_XATTR_PREFIX)) {
                // UserDefinedFileAttributeView only reaches the user.* namespace (security.capability,
                // trusted.*, system.* need setxattr(2) directly: a later linux-module step).
                skipped.add("xattr '" + xattr + "' of '" + entry.getName() + "' skipped: only user.* is supported");
                continue;
            }
            UserDefinedFileAttributeView view = Files.getFileAttributeView(path,
                    UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            // PAX values are UTF-8 (POSIX pax, "header.value"); commons-compress decoded them as such.
            view.write(xattr.substring(USER_XATTR_PREFIX.length()),
                    ByteBuffer.wrap(header.getValue().getBytes(StandardCharsets.UTF_8)));
        }
    }

    private void applyDirectoryTimes() throws IOException {
        for (Map.Entry<Path, FileTime> dir : directoryTimes.reversed()) {
            if (Files.isDirectory(dir.getKey(), LinkOption.NOFOLLOW_LINKS)) {
                Files.getFileAttributeView(dir.getKey(), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(dir.getValue(), null, null);
            }
        }
    }

    /** Deletes whatever is at {@code path}, recursively, never following symlinks. */
    private void removeExisting(Path path) throws IOException {
        BasicFileAttributes attrs = SafePaths.attributesOrNull(path);
        if (attrs == null) {
            return;
        }
        if (!attrs.isDirectory()) {
            Files.delete(path);
            return;
        }
        // walkFileTree does not follow symlinks unless FOLLOW_LINKS is given.
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
