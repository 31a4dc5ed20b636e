package dev.berth.cli.berth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * `images --filter KEY=VALUE` as docker's daemon applies it (daemon/images/images.go): values of one
 * key are alternatives, different keys must all hold. Berth knows {@code reference=PATTERN} and
 * {@code dangling=true|false}; the optional REPOSITORY[:TAG] argument is one more reference
 * pattern, as in docker's CLI.
 *
 * <p>A reference pattern is a glob in Go's path.Match syntax ('*' and '?' never match '/') tried,
 * as distribution's FamiliarMatch does, on the familiar {@code repository:tag} and then on the
 * familiar repository alone. Berth also tries the full names ({@code docker.io/library/busybox}),
 * which docker's daemon does not normalise patterns to match.
 */
final class ImageFilters {
    private final List<Pattern> references;
    private final Boolean dangling;

    private ImageFilters(List<Pattern> references, Boolean dangling) {
        this.references = List.copyOf(references);
        this.dangling = dangling;
    }

    /** @throws IllegalArgumentException naming the filter that is malformed or unknown */
    static ImageFilters parse(List<String> filters, String repositoryArgument) {
        List<Pattern> references = new ArrayList<>();
        Boolean dangling = null;
        if (repositoryArgument != null) {
            references.add(glob(repositoryArgument));
        }
        for (String filter : filters) {
            int eq = filter.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("bad format of filter '" + filter + "' (expected name=value)");
            }
            String key = filter.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = filter.substring(eq + 1).strip();
            switch (key) {
                case "reference" -> references.add(glob(value));
                case "dangling" -> {
                    // filters.GetBoolOrDefault: true/1 and false/0; a second value must agree.
                    boolean wanted = switch (value.toLowerCase(Locale.ROOT)) {
                        case "true", "1" -> true;
                        case "false", "0" -> false;
                        default -> throw new IllegalArgumentException("invalid filter 'dangling=" + value + "'");
                    };
                    if (dangling != null && dangling != wanted) {
                        throw new IllegalArgumentException("conflicting filters 'dangling=true' and 'dangling=false'");
                    }
                    dangling = wanted;
                }
                default -> throw new IllegalArgumentException("invalid filter '" + key
                        + "' (berth supports reference=PATTERN and dangling=true|false)");
            }
        }
        return new ImageFilters(references, dangling);
    }

    /** An image without names is dangling; a reference filter never keeps one (it has no name to match). */
    boolean keepsImage(boolean isDangling) {
        if (dangling != null && dangling != isDangling) {
            return false;
        }
        return references.isEmpty() || !isDangling;
    }

    /** Whether the row of {@code storedName} (normalised, e.g. docker.io/library/busybox:1) is shown. */
    boolean keepsName(String storedName) {
        if (references.isEmpty()) {
            return true;
        }
        String repository = Names.splitTag(storedName)[0];
        for (Pattern pattern : references) {
            for (String candidate : List.of(Names.familiar(storedName), Names.familiar(repository), storedName,
                    repository)) {
                if (pattern.matcher(candidate).matches()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Go's path.Match pattern as a regular expression: '*' any run of non-'/' characters, '?' one
     * non-'/' character, '[...]' a class (leading '^' negates; ranges lo-hi), '\' escapes.
     *
     * @throws IllegalArgumentException for what path.Match calls ErrBadPattern
     */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i++);
            switch (c) {
                case '*' -> regex.append("[^/]*");
                case '?' -> regex.append("[^/]");
                case '[' -> i = characterClass(pattern, i, regex);
                case '\\' -> {
                    if (i >= pattern.length()) {
                        throw badPattern(pattern);
                    }
                    regex.append(literal(pattern.charAt(i++)));
                }
                default -> regex.append(literal(c));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** The class after '[' at {@code i}; returns the index after its ']'. */
    private static int characterClass(String pattern, int i, StringBuilder regex) {
        regex.append('[');
        if (i < pattern.length() && pattern.charAt(i) == '^') {
            regex.append('^');
            i++;
        }
        int ranges = 0;
        while (true) {
            if (i >= pattern.length()) {
                throw badPattern(pattern);
            }
            if (pattern.charAt(i) == ']' && ranges > 0) {
                regex.append(']');
                return i + 1;
            }
            int[] lo = classChar(pattern, i);
            i = lo[1];
            regex.append(literal((char) lo[0]));
            if (i < pattern.length() && pattern.charAt(i) == '-') {
                int[] hi = classChar(pattern, i + 1);
                if (hi[0] < lo[0]) {
                    throw badPattern(pattern);
                }
                regex.append('-').append(literal((char) hi[0]));
                i = hi[1];
            }
            ranges++;
        }
    }

    /** One (possibly escaped) character of a class: {value, next index}. Unescaped '-' and ']' are errors. */
    private static int[] classChar(String pattern, int i) {
        if (i >= pattern.length() || pattern.charAt(i) == '-' || pattern.charAt(i) == ']') {
            throw badPattern(pattern);
        }
        if (pattern.charAt(i) == '\\') {
            if (i + 1 >= pattern.length()) {
                throw badPattern(pattern);
            }
            return new int[] {pattern.charAt(i + 1), i + 2};
        }
        return new int[] {pattern.charAt(i), i + 1};
    }

    private static String literal(char c) {
        return String.format("\\x{%x}", (int) c);
    }

    private static IllegalArgumentException badPattern(String pattern) {
        return new IllegalArgumentException("reference filter '" + pattern + "': syntax error in pattern");
    }
}
