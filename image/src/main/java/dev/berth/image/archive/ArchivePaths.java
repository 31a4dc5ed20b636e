package dev.berth.image.archive;

import java.util.ArrayDeque;
import java.util.Deque;

/** Tar entry names as archive-relative keys: never used as file system paths, only compared. */
final class ArchivePaths {
    private ArchivePaths() {
    }

    /**
     * "./blobs//sha256/x" -> "blobs/sha256/x". Tar writers differ in leading "./" and trailing "/";
     * an entry name whose ".." climbs above the archive root is refused, as docker's untar refuses
     * it (a breakout attempt), because no well-formed archive has one.
     */
    static String normalise(String name) throws ArchiveException {
        return normalise(name, false);
    }

    /**
     * A link target, resolved with the archive as its root: ".." at the top stays at the top, as in
     * a chroot and as docker's FollowSymlinkInScope does, so no target can leave the archive.
     */
    static String inScope(String target) throws ArchiveException {
        return normalise(target, true);
    }

    private static String normalise(String name, boolean clamp) throws ArchiveException {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (!part.equals("..")) {
                parts.addLast(part);
            } else if (!parts.isEmpty()) {
                parts.removeLast();
            } else if (!clamp) {
                throw new ArchiveException("tar entry '" + name + "' points outside the archive");
            }
        }
        return String.join("/", parts);
    }

    /** The directory part of a normalised name ("" at the top). */
    static String parent(String normalised) {
        int slash = normalised.lastIndexOf('/');
        return slash < 0 ? "" : normalised.substring(0, slash);
    }

    /** The last component of a normalised name. */
    static String baseName(String normalised) {
        return normalised.substring(normalised.lastIndexOf('/') + 1);
    }
}
