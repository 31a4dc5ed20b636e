package dev.berth.image.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Maps tar entry names to paths under the unpack root without ever leaving it.
 *
 * <p>Every name is checked lexically (no absolute names, no {@code ..}), then each parent
 * component is inspected with {@link LinkOption#NOFOLLOW_LINKS}: a parent that is a symlink is
 * refused rather than followed, because following it is exactly how a layer writes outside the
 * root (a symlink {@code x -> /etc} then a file {@code x/passwd}). Java has no openat(2)/
 * openat2(RESOLVE_IN_ROOT), so this is check-then-use; it is safe as long as nothing else writes
 * into the target while a layer is unpacked, which berth guarantees by unpacking into a fresh
 * snapshot directory it owns.
 */
final class SafePaths {
    private SafePaths() {
    }

    /**
     * The components of a tar entry name, with {@code .} and empty components dropped.
     *
     * @throws UnsafeLayerException if the name is absolute or contains {@code ..}
     */
    static List<String> components(String what, String entryName) throws UnsafeLayerException {
        if (entryName.startsWith("/")) {
            throw new UnsafeLayerException(what + " '" + entryName + "': absolute name refused");
        }
        if (entryName.indexOf('\0') >= 0) {
            throw new UnsafeLayerException(what + " '" + entryName + "': NUL byte in name");
        }
        List<String> parts = new ArrayList<>();
        for (String part : entryName.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new UnsafeLayerException(what + " '" + entryName + "': '..' component refused");
            }
            parts.add(part);
        }
        return parts;
    }

    /**
     * Resolves {@code parts} under {@code root}, refusing parents that are symlinks or not
     * directories. Missing parents are created (default mode, as tar does for implicit parents)
     * if {@code createMissing}, else the path is returned as-is (it then simply does not exist).
     * The last component is not inspected: the caller decides how to replace it.
     */
    static Path resolveParentsSafely(Path root, List<String> parts, String entryName, boolean createMissing)
            throws IOException {
        Path current = root;
        for (int i = 0; i < parts.size() - 1; i++) {
            current = current.resolve(parts.get(i));
            BasicFileAttributes attrs = attributesOrNull(current);
            if (attrs == null) {
                if (!createMissing) {
                    return root.resolve(String.join("/", parts));
                }
                Files.createDirectory(current);
            } else if (attrs.isSymbolicLink()) {
                throw new UnsafeLayerException("entry '" + entryName + "': parent '"
                        + root.relativize(current) + "' is a symlink; refusing to write through it");
            } else if (!attrs.isDirectory()) {
                throw new LayerException("entry '" + entryName + "': parent '"
                        + root.relativize(current) + "' is not a directory");
            }
        }
        return parts.isEmpty() ? root : current.resolve(parts.getLast());
    }

    /** Attributes of {@code path} itself (a symlink is not followed), or null if absent. */
    static BasicFileAttributes attributesOrNull(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Refuses a symlink whose target, resolved lexically from the link's directory, climbs above
     * the root. An absolute target is taken relative to the root (that is how it resolves inside
     * the container, e.g. the common {@code /bin/sh -> /bin/busybox}), so it is allowed. The link
     * is never followed by the unpacker; this check only keeps obviously escaping links out.
     */
    static void checkSymlinkTarget(List<String> linkParts, String target, String entryName)
            throws UnsafeLayerException {
        if (target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new UnsafeLayerException("symlink '" + entryName + "': invalid target '" + target + "'");
        }
        Deque<String> position = new ArrayDeque<>();
        if (!target.startsWith("/")) {
            position.addAll(linkParts.subList(0, linkParts.size() - 1));
        }
        for (String part : target.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (position.isEmpty()) {
                    throw new UnsafeLayerException("symlink '" + entryName + "' -> '" + target
                            + "' points outside the layer root");
                }
                position.removeLast();
            } else {
                position.addLast(part);
            }
        }
    }
}
