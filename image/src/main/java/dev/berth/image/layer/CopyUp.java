package dev.berth.image.layer;

import dev.berth.linux.Xattrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import java.util.Optional;

/**
 * What overlayfs does before a lower file is linked or changed ("copy up", overlayfs.rst): the
 * file, with owner, mode, times and xattrs, and any missing parent directories with theirs, copied
 * from the topmost lower directory that has it into the upper directory. Used for a hardlink whose
 * target is in a lower layer, when the layer is unpacked straight into its upper directory.
 */
final class CopyUp {
    private CopyUp() {
    }

    /**
     * Copies {@code relative} from the first of {@code lowersTopFirst} that has it into
     * {@code upper}; false if no lower has it (or a whiteout hides it above the one that does).
     */
    static boolean copy(Path upper, List<Path> lowersTopFirst, Path relative) throws IOException {
        Optional<Path> found = find(lowersTopFirst, relative);
        if (found.isEmpty()) {
            return false;
        }
        Path lower = found.get();
        Path lowerFile = lower.resolve(relative);
        Path parent = relative.getParent();
        if (parent != null) {
            copyParents(upper, lower, parent);
        }
        Path target = upper.resolve(relative);
        // COPY_ATTRIBUTES keeps mode and times; NOFOLLOW_LINKS copies a symlink as a symlink.
        Files.copy(lowerFile, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        copyOwnerAndXattrs(lowerFile, target);
        return true;
    }

    /** The lower whose entry is visible: the first that has it, unless a whiteout device comes first. */
    private static Optional<Path> find(List<Path> lowersTopFirst, Path relative) throws IOException {
        for (Path lower : lowersTopFirst) {
            if (!realDirectories(lower, relative.getParent())) {
                // A symlinked (or missing) parent: the kernel would follow the link out of the
                // layer when copying, possibly to the host's files. Not copied; the link fails.
                continue;
            }
            Path candidate = lower.resolve(relative);
            BasicFileAttributes attrs = SafePaths.attributesOrNull(candidate);
            if (attrs == null) {
                if (opaqueAlong(lower, relative.getParent())) {
                    return Optional.empty(); // an opaque directory hides what the layers below have
                }
                continue;
            }
            if (attrs.isOther() && isWhiteout(candidate)) {
                return Optional.empty();
            }
            return attrs.isDirectory() ? Optional.empty() : Optional.of(lower);
        }
        return Optional.empty();
    }

    /** True if every component of {@code relativeDir} under {@code lower} is a directory, not a symlink. */
    private static boolean realDirectories(Path lower, Path relativeDir) throws IOException {
        if (relativeDir == null) {
            return true;
        }
        Path current = lower;
        for (Path part : relativeDir) {
            current = current.resolve(part);
            BasicFileAttributes attrs = SafePaths.attributesOrNull(current);
            if (attrs == null || !attrs.isDirectory()) {
                return false;
            }
        }
        return true;
    }

    /** True if a directory on the way to the entry is opaque in this lower (trusted.overlay.opaque=y). */
    private static boolean opaqueAlong(Path lower, Path relativeDir) {
        if (relativeDir == null) {
            return false;
        }
        Path current = lower;
        for (Path part : relativeDir) {
            current = current.resolve(part);
            if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Optional<byte[]> opaque = Xattrs.get(current, "trusted.overlay.opaque");
            if (opaque.isPresent() && new String(opaque.get(), java.nio.charset.StandardCharsets.US_ASCII).equals("y")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWhiteout(Path path) throws IOException {
        Object rdev = Files.getAttribute(path, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        return rdev instanceof Long l && l == 0L;
    }

    private static void copyParents(Path upper, Path lower, Path relativeDir) throws IOException {
        Path up = upper;
        Path low = lower;
        for (Path part : relativeDir) {
            up = up.resolve(part);
            low = low.resolve(part);
            if (SafePaths.attributesOrNull(up) == null) {
                Files.createDirectory(up);
                PosixFileAttributes a = Files.readAttributes(low, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(up, "unix:mode", Files.getAttribute(low, "unix:mode", LinkOption.NOFOLLOW_LINKS));
                Files.setLastModifiedTime(up, a.lastModifiedTime());
                copyOwnerAndXattrs(low, up);
            }
        }
    }

    private static void copyOwnerAndXattrs(Path from, Path to) throws IOException {
        Files.setAttribute(to, "unix:uid", Files.getAttribute(from, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(to, "unix:gid", Files.getAttribute(from, "unix:gid", LinkOption.NOFOLLOW_LINKS),
                LinkOption.NOFOLLOW_LINKS);
        if (!Files.isSymbolicLink(to)) {
            // chown cleared set-user-ID and set-group-ID bits (chown(2)); put the mode back.
            Files.setAttribute(to, "unix:mode", Files.getAttribute(from, "unix:mode", LinkOption.NOFOLLOW_LINKS),
                    LinkOption.NOFOLLOW_LINKS);
            for (String name : Xattrs.list(from)) {
                if (!name.startsWith("trusted.overlay.")) {
                    Xattrs.get(from, name).ifPresent(value -> Xattrs.set(to, name, value));
                }
            }
        }
    }
}
