package dev.berth.image.snapshot;

import dev.berth.linux.FileSystemCalls;
import dev.berth.linux.Xattrs;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Copies a root filesystem tree keeping everything a container can observe: owners, modes
 * (set-user-ID, set-group-ID and sticky bits included), mtimes, xattrs of every namespace,
 * symlinks as symlinks, hardlinks as hardlinks, device nodes, fifos and sockets as nodes. Never
 * follows a symlink and never opens anything but regular files (metadata goes by path: see
 * {@link FileSystemCalls#chmod} and {@link FileSystemCalls#setModifiedTime}).
 */
final class TreeCopier {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private TreeCopier() {
    }

    /** Copies the tree at {@code source} to {@code target}, which must not exist. */
    static void copy(Path source, Path target) throws IOException {
        Map<List<Object>, Path> firstCopyOfInode = new HashMap<>();
        Deque<Map.Entry<Path, FileTime>> directoryTimes = new ArrayDeque<>();
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path copy = target.resolve(source.relativize(dir).toString());
                Files.createDirectory(copy);
                Map<String, Object> unix = Files.readAttributes(dir, "unix:*", NOFOLLOW);
                copyMetadata(dir, copy, unix);
                // Set after the children: creating them changes the directory's mtime.
                directoryTimes.push(Map.entry(copy, attrs.lastModifiedTime()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                copyEntry(file, target.resolve(source.relativize(file).toString()), firstCopyOfInode);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Map.Entry<Path, FileTime> time = directoryTimes.pop();
                FileSystemCalls.setModifiedTime(time.getKey(), time.getValue().toInstant());
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void copyEntry(Path file, Path copy, Map<List<Object>, Path> firstCopyOfInode) throws IOException {
        Map<String, Object> unix = Files.readAttributes(file, "unix:*", NOFOLLOW);
        int mode = (int) unix.get("mode");
        int type = mode & FileSystemCalls.S_IFMT;
        if ((int) unix.get("nlink") > 1) {
            List<Object> inode = List.of(unix.get("dev"), unix.get("ino"));
            Path first = firstCopyOfInode.putIfAbsent(inode, copy);
            if (first != null) {
                // One inode, so the metadata came with the first copy.
                Files.createLink(copy, first);
                return;
            }
        }
        if (type == FileSystemCalls.S_IFREG) {
            Files.copy(file, copy, NOFOLLOW);
        } else if (type == FileSystemCalls.S_IFLNK) {
            Files.createSymbolicLink(copy, Files.readSymbolicLink(file));
        } else {
            long rdev = (long) unix.get("rdev");
            // glibc's major(3)/minor(3) decoding of st_rdev.
            int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
            int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
            FileSystemCalls.mknod(copy, type | 0600, major, minor);
        }
        copyMetadata(file, copy, unix);
        FileSystemCalls.setModifiedTime(copy, ((FileTime) unix.get("lastModifiedTime")).toInstant());
    }

    /** Owner, then mode (chown clears set-user-ID), then xattrs (chown drops security.capability). */
    private static void copyMetadata(Path original, Path copy, Map<String, Object> unix) throws IOException {
        Files.setAttribute(copy, "unix:uid", unix.get("uid"), NOFOLLOW);
        Files.setAttribute(copy, "unix:gid", unix.get("gid"), NOFOLLOW);
        int mode = (int) unix.get("mode");
        // A symlink's own mode is always 0777 on Linux, and chmod(2) would follow it.
        if ((mode & FileSystemCalls.S_IFMT) != FileSystemCalls.S_IFLNK) {
            FileSystemCalls.chmod(copy, mode & 07777);
        }
        for (String name : Xattrs.list(original)) {
            var value = Xattrs.get(original, name);
            if (value.isPresent()) {
                Xattrs.set(copy, name, value.get());
            }
        }
    }

    /** Apparent bytes of regular files and the number of inodes under {@code root}, each inode once. */
    static Usage usage(Path root) throws IOException {
        Set<List<Object>> seen = new HashSet<>();
        long[] bytes = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                seen.add(List.of(attrs.fileKey() == null ? dir : attrs.fileKey()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (seen.add(List.of(attrs.fileKey() == null ? file : attrs.fileKey())) && attrs.isRegularFile()) {
                    bytes[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return new Usage(bytes[0], seen.size());
    }

    /** Deletes a tree, never following symlinks; parts already gone (a concurrent delete) are fine. */
    static void deleteTree(Path root) throws IOException {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // the root itself was already deleted
        }
    }
}
