package dev.berth.image.config;

import dev.berth.spec.Process;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves an image's User string against the image's own /etc/passwd and /etc/group, as
 * image-spec conversion.md asks ("name", "uid", "name:group", "uid:gid", and mixes).
 * Semantics follow runc's libcontainer/user GetExecUser, which Docker uses: a numeric uid with no
 * passwd entry is accepted with gid 0; supplementary groups come from /etc/group membership of
 * the user's name, and only when no group was given explicitly.
 */
final class UserResolver {

    private UserResolver() {
    }

    static Process.User resolve(String spec, Path rootfs) throws ImageConfigException {
        String value = spec == null ? "" : spec.strip();
        if (value.isEmpty()) {
            value = "0";
        }
        int colon = value.indexOf(':');
        String userPart = colon < 0 ? value : value.substring(0, colon);
        String groupPart = colon < 0 ? null : value.substring(colon + 1);
        if (userPart.isEmpty()) {
            throw new ImageConfigException("user \"" + spec + "\": empty user name before ':'");
        }
        List<String[]> passwd = readEntries(rootfs, "passwd");
        String[] entry = findUser(passwd, userPart);
        Long numericUid = parseId(userPart);
        if (entry == null && numericUid == null) {
            throw new ImageConfigException("user \"" + userPart + "\" (from User \"" + spec + "\") not found in "
                    + rootfs.resolve("etc/passwd"));
        }
        long uid = entry != null ? Long.parseLong(entry[2]) : numericUid;
        long gid = entry != null ? Long.parseLong(entry[3]) : 0L;
        List<String[]> groups = readEntries(rootfs, "group");
        List<Long> additional = new ArrayList<>();
        if (groupPart != null && !groupPart.isEmpty()) {
            gid = resolveGroup(groupPart, groups, spec, rootfs);
        } else if (entry != null) {
            additional = memberships(groups, entry[0], gid);
        }
        return new Process.User(uid, gid, null, additional.isEmpty() ? null : List.copyOf(additional), null);
    }

    /** A name matches by name first; a number also matches the uid field (runc does the same). */
    private static String[] findUser(List<String[]> passwd, String user) {
        for (String[] e : passwd) {
            if (e.length >= 4 && e[0].equals(user)) {
                return e;
            }
        }
        if (parseId(user) != null) {
            for (String[] e : passwd) {
                if (e.length >= 4 && e[2].equals(user)) {
                    return e;
                }
            }
        }
        return null;
    }

    private static long resolveGroup(String group, List<String[]> groups, String spec, Path rootfs)
            throws ImageConfigException {
        for (String[] e : groups) {
            if (e.length >= 3 && e[0].equals(group)) {
                return Long.parseLong(e[2]);
            }
        }
        Long numeric = parseId(group);
        if (numeric == null) {
            throw new ImageConfigException("group \"" + group + "\" (from User \"" + spec + "\") not found in "
                    + rootfs.resolve("etc/group"));
        }
        return numeric;
    }

    private static List<Long> memberships(List<String[]> groups, String userName, long primaryGid) {
        List<Long> gids = new ArrayList<>();
        for (String[] e : groups) {
            if (e.length < 4 || e[3].isEmpty()) {
                continue;
            }
            for (String member : e[3].split(",")) {
                long gid = Long.parseLong(e[2]);
                if (member.strip().equals(userName) && gid != primaryGid && !gids.contains(gid)) {
                    gids.add(gid);
                }
            }
        }
        return gids;
    }

    private static Long parseId(String text) {
        if (text.isEmpty() || !text.chars().allMatch(Character::isDigit) || text.length() > 10) {
            return null;
        }
        long id = Long.parseLong(text);
        return id > 0xFFFF_FFFFL ? null : id;
    }

    /**
     * Lines of ROOTFS/etc/NAME split on ':'; lines with a non-numeric id field are skipped.
     * The rootfs is untrusted: an absolute symlink at etc or etc/NAME would point at the host's
     * files, so neither may be a symlink (checked with lstat, and the open uses O_NOFOLLOW).
     * A missing file means no entries, as with scratch images.
     */
    private static List<String[]> readEntries(Path rootfs, String name) throws ImageConfigException {
        Path etc = rootfs.resolve("etc");
        Path file = etc.resolve(name);
        try {
            if (!Files.exists(etc, LinkOption.NOFOLLOW_LINKS) || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return List.of();
            }
            if (!Files.readAttributes(etc, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory()) {
                throw new ImageConfigException(etc + " is not a directory (symlinks are not followed out of the rootfs)");
            }
            if (!Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile()) {
                throw new ImageConfigException(file + " is not a regular file (symlinks are not followed out of the rootfs)");
            }
            String text;
            try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                text = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
            }
            return parse(text, name.equals("passwd") ? 4 : 3);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new ImageConfigException("cannot read " + file + ": " + e, e);
        }
    }

    private static List<String[]> parse(String text, int minFields) {
        List<String[]> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split(":", -1);
            if (fields.length < minFields || parseId(fields[2]) == null
                    || (minFields == 4 && parseId(fields[3]) == null)) {
                continue;
            }
            entries.add(fields);
        }
        return entries;
    }
}
