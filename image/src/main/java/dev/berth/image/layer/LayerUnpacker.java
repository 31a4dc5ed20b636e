package dev.berth.image.layer;

import dev.berth.image.store.Digest;
import dev.berth.linux.FileSystemCalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Unpacks one OCI image layer (a tar, optionally gzip- or zstd-compressed) into a directory,
 * never writing outside it. See the OCI image spec, layer.md, for the changeset and whiteout
 * format.
 *
 * <p>Must run as root: ownership is applied with chown, device nodes made with mknod(2), and
 * trusted.* xattrs need CAP_SYS_ADMIN. Not thread-safe per target.
 */
public final class LayerUnpacker {
    static final String WHITEOUT_PREFIX = ".wh.";
    static final String OPAQUE_MARKER = ".wh..wh..opq";

    private final Path root;
    private final Mode mode;
    private final DeviceHandling deviceHandling;
    /** Paths written by this layer: an opaque marker only hides what earlier layers left. */
    private final Set<Path> writtenByThisLayer = new HashSet<>();
    /** OVERLAY mode: the 0/0 devices this layer made, which a later entry of it may replace. */
    private final Set<Path> whiteoutDevices = new HashSet<>();
    private final EntryMetadata metadata;
    /** OVERLAY mode: the layers below, top first, for hardlinks to their files (may be empty). */
    private final List<Path> lowers;
    private final List<Path> whiteouts = new ArrayList<>();
    private final List<Path> opaqueDirectories = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();

    private LayerUnpacker(Path root, Mode mode, DeviceHandling deviceHandling, List<Path> lowers) {
        this.root = root;
        this.mode = mode;
        this.deviceHandling = deviceHandling;
        this.lowers = List.copyOf(lowers);
        this.metadata = new EntryMetadata(skipped);
    }

    /** Unpacks {@code layer} into {@code target}, creating device and fifo entries. */
    public static UnpackResult unpack(InputStream layer, Path target, Mode mode) throws IOException {
        return unpack(layer, target, mode, DeviceHandling.CREATE);
    }

    /**
     * Unpacks {@code layer} (plain, gzip or zstd tar, detected by magic bytes) into the existing
     * directory {@code target}. The whole uncompressed stream is read, to its end, so that
     * {@link UnpackResult#diffId()} covers any padding after the tar's end-of-archive blocks.
     *
     * @throws UnsafeLayerException      an entry would escape {@code target}
     * @throws UnsupportedLayerException a device/fifo under REFUSE, or an unknown entry type
     * @throws LayerException            any other malformed entry
     */
    public static UnpackResult unpack(InputStream layer, Path target, Mode mode, DeviceHandling devices)
            throws IOException {
        return unpack(layer, target, mode, devices, List.of());
    }

    /**
     * As {@link #unpack(InputStream, Path, Mode, DeviceHandling)}; in {@link Mode#OVERLAY}, a hardlink
     * to a file of a lower layer copies that file up from {@code lowersTopFirst} first, as
     * overlayfs would, instead of failing with {@link HardlinkOutsideLayerException}.
     */
    public static UnpackResult unpack(InputStream layer, Path target, Mode mode, DeviceHandling devices,
            List<Path> lowersTopFirst) throws IOException {
        // Resolve the target once, so that relativize() in messages and checks is on real paths.
        Path root = target.toRealPath();
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new LayerException("unpack target '" + target + "' is not a directory");
        }
        LayerUnpacker unpacker = new LayerUnpacker(root, mode, devices, lowersTopFirst);
        // The digest sits between decompression and tar: a diff_id is the sha256 of the
        // uncompressed tar (image-spec config.md, rootfs.diff_ids).
        DigestInputStream uncompressed = new DigestInputStream(Decompression.detect(layer), sha256());
        try (XattrTarInputStream tar = new XattrTarInputStream(uncompressed)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                unpacker.apply(entry, tar);
            }
            // Tar writers pad to a record size (10240 bytes for GNU tar and commons-compress)
            // beyond the two zero blocks the reader stops at; those bytes are part of the diff_id.
            uncompressed.transferTo(OutputStream.nullOutputStream());
        }
        unpacker.metadata.applyDirectoryTimes();
        Digest diffId = new Digest("sha256", HexFormat.of().formatHex(uncompressed.getMessageDigest().digest()));
        return new UnpackResult(unpacker.whiteouts, unpacker.opaqueDirectories, unpacker.skipped, diffId);
    }

    private void apply(TarArchiveEntry entry, XattrTarInputStream tar) throws IOException {
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
            device(entry, parts, tar);
        } else {
            Path path = SafePaths.resolveParentsSafely(root, parts, name, true);
            createEntry(entry, parts, path, tar);
            markWritten(path);
            metadata.apply(entry, path, tar.xattrs(entry));
        }
    }

    /** Implicit parents count too, or a later opaque marker above them would delete them. */
    private void markWritten(Path path) {
        for (Path p = path; !p.equals(root); p = p.getParent()) {
            writtenByThisLayer.add(p);
        }
    }

    private void createEntry(TarArchiveEntry entry, List<String> parts, Path path, InputStream content)
            throws IOException {
        String name = entry.getName();
        if (entry.isDirectory()) {
            BasicFileAttributes existing = SafePaths.attributesOrNull(path);
            if (existing == null || !existing.isDirectory()) {
                boolean replacesWhiteout = whiteoutDevices.remove(path);
                removeExisting(path);
                Files.createDirectory(path);
                if (replacesWhiteout) {
                    // Deleted then re-created in one layer: the lower directory's children must
                    // stay hidden, which in an upper directory takes the opaque xattr.
                    markOpaque(path);
                }
            }
        } else if (entry.isSymbolicLink()) {
            SafePaths.checkSymlinkTarget(parts, entry.getLinkName(), name);
            replace(path);
            Files.createSymbolicLink(path, path.getFileSystem().getPath(entry.getLinkName()));
        } else if (entry.isLink()) {
            createHardlink(entry, path);
        } else if (entry.isFile()) {
            replace(path);
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

    private void createHardlink(TarArchiveEntry entry, Path path) throws IOException {
        String name = entry.getName();
        Path source = SafePaths.resolveParentsSafely(root,
                SafePaths.components("hardlink '" + name + "' to", entry.getLinkName()), name, false);
        BasicFileAttributes sourceAttrs = SafePaths.attributesOrNull(source);
        if (sourceAttrs == null && mode == Mode.OVERLAY && !source.equals(root)
                && CopyUp.copy(root, lowers, root.relativize(source))) {
            markWritten(source);
            sourceAttrs = SafePaths.attributesOrNull(source);
        }
        if (sourceAttrs == null) {
            throw new HardlinkOutsideLayerException("hardlink '" + name + "': target '" + entry.getLinkName()
                    + "' is not in this layer" + (mode == Mode.OVERLAY ? " (nor in the layers below it)" : ""));
        }
        if (sourceAttrs.isDirectory() || source.equals(root)) {
            throw new LayerException("hardlink '" + name + "': target '" + entry.getLinkName() + "' is a directory");
        }
        if (source.equals(path)) {
            throw new LayerException("hardlink '" + name + "': links to itself");
        }
        replace(path);
        // link(2) on Linux does not follow a symlink source, so this links the entry itself.
        Files.createLink(path, source);
    }

    /** Clears the way for a non-directory entry (a whiteout device of this layer included). */
    private void replace(Path path) throws IOException {
        whiteoutDevices.remove(path);
        removeExisting(path);
    }

    private void device(TarArchiveEntry entry, List<String> parts, XattrTarInputStream tar) throws IOException {
        String kind = entry.isFIFO() ? "fifo" : entry.isCharacterDevice() ? "character device" : "block device";
        String note = kind + " '" + entry.getName() + "' (" + entry.getDevMajor() + ":" + entry.getDevMinor() + ")";
        switch (deviceHandling) {
            case REFUSE -> throw new UnsupportedLayerException(note
                    + ": device and fifo entries are refused; unpack with DeviceHandling.CREATE or SKIP");
            case SKIP -> {
                SafePaths.resolveParentsSafely(root, parts, entry.getName(), true);
                skipped.add(note + " skipped as asked");
            }
            case CREATE -> {
                Path path = SafePaths.resolveParentsSafely(root, parts, entry.getName(), true);
                int type = entry.isFIFO() ? FileSystemCalls.S_IFIFO
                        : entry.isCharacterDevice() ? FileSystemCalls.S_IFCHR : FileSystemCalls.S_IFBLK;
                replace(path);
                // Permission bits only: the umask applies here, the exact mode comes with the metadata.
                FileSystemCalls.mknod(path, type | 0600, entry.getDevMajor(), entry.getDevMinor());
                markWritten(path);
                metadata.apply(entry, path, tar.xattrs(entry));
            }
        }
    }

    private void whiteout(List<String> parts, String hiddenName, String entryName) throws IOException {
        if (hiddenName.isEmpty() || hiddenName.equals(".") || hiddenName.equals("..")) {
            throw new UnsafeLayerException("whiteout '" + entryName + "': invalid hidden name '" + hiddenName + "'");
        }
        List<String> hiddenParts = new ArrayList<>(parts.subList(0, parts.size() - 1));
        hiddenParts.add(hiddenName);
        if (mode == Mode.FLATTEN) {
            removeExisting(SafePaths.resolveParentsSafely(root, hiddenParts, entryName, false));
            return;
        }
        // OVERLAY: the marker lives in this layer's own directory, so its parents are made here.
        Path hidden = SafePaths.resolveParentsSafely(root, hiddenParts, entryName, true);
        whiteouts.add(root.relativize(hidden));
        BasicFileAttributes existing = SafePaths.attributesOrNull(hidden);
        if (existing != null && writtenByThisLayer.contains(hidden)) {
            // layer.md: a whiteout hides only what lower layers hold, never its own layer's entry.
            // That entry already hides a lower non-directory; a directory must also turn opaque
            // for the lower directory's children to stay hidden.
            if (existing.isDirectory()) {
                markOpaque(hidden);
            }
            return;
        }
        removeExisting(hidden);
        // overlayfs.rst: "A whiteout is created as a character device with 0/0 device number".
        FileSystemCalls.mknod(hidden, FileSystemCalls.S_IFCHR, 0, 0);
        whiteoutDevices.add(hidden);
    }

    private void opaque(List<String> parts, String entryName) throws IOException {
        Path directory = SafePaths.resolveParentsSafely(root, parts, entryName, true).getParent();
        if (mode == Mode.OVERLAY) {
            opaqueDirectories.add(root.relativize(directory));
            markOpaque(directory);
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

    /** overlayfs.rst: "A directory is made opaque by setting the xattr trusted.overlay.opaque to y". */
    private static void markOpaque(Path directory) throws LayerException {
        EntryMetadata.setXattr(directory, "trusted.overlay.opaque", new byte[] {'y'}, directory.toString());
    }

    /** Deletes whatever is at {@code path}, recursively, never following symlinks. */
    private static void removeExisting(Path path) throws IOException {
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

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256 (MessageDigest javadoc).
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
