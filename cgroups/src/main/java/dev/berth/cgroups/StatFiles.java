package dev.berth.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the statistics files of one cgroup directory in the formats cgroupfs uses
 * (Documentation/admin-guide/cgroup-v2.rst, "Interface Files": single values, space-separated
 * lists, flat keyed "key value" lines). A file that does not exist, in a directory that may not
 * exist either (null when the hierarchy is not mounted), reads as null: statistics are best
 * effort. A file that exists but does not parse is a {@link CgroupException} naming it.
 */
final class StatFiles {
    private final CgroupFiles files;
    private final Path dir;

    StatFiles(CgroupFiles files, Path dir) {
        this.files = files;
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** The content without surrounding whitespace, or null. */
    String text(String name) {
        return dir == null ? null : files.readIfPresent(dir, name);
    }

    /** A single value; "max" reads as {@link Stats#UNLIMITED}. */
    Long number(String name) {
        String text = text(name);
        return text == null ? null : parse(text, name, text);
    }

    /** Space-separated values (cpuacct.usage_percpu ends its line with a space). */
    List<Long> numbers(String name) {
        String text = text(name);
        if (text == null) {
            return null;
        }
        List<Long> values = new ArrayList<>();
        for (String word : text.isEmpty() ? new String[0] : text.split("\\s+")) {
            values.add(parse(word, name, text));
        }
        return values;
    }

    /** Flat keyed "key value" lines, in file order; null if the file is missing. */
    Map<String, Long> keyed(String name) {
        String text = text(name);
        if (text == null) {
            return null;
        }
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : text.lines().toList()) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length != 2) {
                throw malformed(name, line, "expected \"key value\"");
            }
            values.put(fields[0], parse(fields[1], name, line));
        }
        return values;
    }

    /** One key of a flat keyed file; null if the file or the key is missing. */
    Long key(String name, String key) {
        Map<String, Long> values = keyed(name);
        return values == null ? null : values.get(key);
    }

    /** Names of the files in the directory; empty if it does not exist. */
    List<String> names() {
        if (dir == null) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new CgroupException("cgroup: list " + dir + ": " + IoErrors.describe(e), e);
        }
    }

    /** An unsigned decimal, or "max". */
    Long parse(String word, String name, String context) {
        if (word.equals("max")) {
            return Stats.UNLIMITED;
        }
        try {
            return Long.parseUnsignedLong(word);
        } catch (NumberFormatException e) {
            throw malformed(name, context, "\"" + word + "\" is not an unsigned number");
        }
    }

    CgroupException malformed(String name, String line, String why) {
        return new CgroupException("cgroup: cannot parse " + dir.resolve(name) + ": " + why
                + " in \"" + line.strip() + "\"");
    }

    /** "major:minor" as two numbers. */
    long[] device(String word, String name, String line) {
        int colon = word.indexOf(':');
        if (colon < 0) {
            throw malformed(name, line, "\"" + word + "\" is not major:minor");
        }
        return new long[] {parse(word.substring(0, colon), name, line), parse(word.substring(colon + 1), name, line)};
    }
}
