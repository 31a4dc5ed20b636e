package dev.berth.image.service;

import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A directory tree as a sorted map from relative path to what is there: "dir 755", "file 644
 * sha256:...", "link -> target", or "other" (devices: overlayfs whiteouts). Links are not followed,
 * so two trees compare equal exactly when they hold the same names, types, modes and contents.
 */
public final class FileTrees {
    private FileTrees() {
    }

    public static Map<String, String> of(Path root) {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(p -> !p.equals(root)).toList()) {
                tree.put(root.relativize(p).toString(), describe(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tree;
    }

    private static String describe(Path p) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String mode = PosixFilePermissions.toString(a.permissions());
        if (a.isSymbolicLink()) {
            return "link -> " + Files.readSymbolicLink(p);
        }
        if (a.isDirectory()) {
            return "dir " + mode;
        }
        if (a.isRegularFile()) {
            return "file " + mode + " " + Digest.of("sha256", Files.readAllBytes(p));
        }
        return "other";
    }
}
