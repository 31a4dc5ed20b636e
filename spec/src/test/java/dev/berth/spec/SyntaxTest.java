package dev.berth.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link Syntax}'s hand-written matchers against the regular expressions the validator used
 * before, over every string up to a length from an alphabet that exercises each rule.
 */
class SyntaxTest {

    /** SemVer 2.0.0's own regular expression (semver.org), as SpecValidator had it. */
    private static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
                    + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                    + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");

    private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

    private static final Pattern PAGE_SIZE = Pattern.compile("[1-9]\\d*[KMGTP]?B");

    @Test
    void semVerMatchesTheSemVerRegexOnEveryShortString() {
        // Every string of up to 7 characters over 0 1 . - + a, then the same over a wider alphabet
        // at the lengths where pre-release and build parts appear after a version core.
        assertSameAs(SEMVER, Syntax::isSemVer, all("01.-+a", 7));
        assertSameAs(SEMVER, Syntax::isSemVer, prefixed("1.0.0", all("0a.-+Z_", 5)));
        assertTrue(Syntax.isSemVer("1.0.0-alpha.1+build.5"));
        assertFalse(Syntax.isSemVer("1.0.0-01"));
        assertFalse(Syntax.isSemVer("1.0"));
    }

    @Test
    void cpuListMatchesTheCpusetRegexOnEveryShortString() {
        assertSameAs(CPU_LIST, Syntax::isCpuList, all("01-,a", 7));
        assertTrue(Syntax.isCpuList("0-3,6,8-9"));
        assertFalse(Syntax.isCpuList("0-3,"));
    }

    @Test
    void pageSizeMatchesTheHugepageRegexOnEveryShortString() {
        assertSameAs(PAGE_SIZE, Syntax::isPageSize, all("01KGBb", 5));
        assertTrue(Syntax.isPageSize("2MB"));
        assertTrue(Syntax.isPageSize("64KB"));
        assertFalse(Syntax.isPageSize("02MB"));
        assertFalse(Syntax.isPageSize("2mB"));
    }

    private static void assertSameAs(Pattern oracle, Predicate<String> matcher, List<String> inputs) {
        int matched = 0;
        for (String input : inputs) {
            boolean expected = oracle.matcher(input).matches();
            assertEquals(expected, matcher.test(input), () -> "\"" + input + "\"");
            matched += expected ? 1 : 0;
        }
        assertTrue(matched > 0 && matched < inputs.size(), "the inputs include matches and non-matches");
    }

    /** Every string of length 0 .. maxLength over {@code alphabet}. */
    private static List<String> all(String alphabet, int maxLength) {
        List<String> strings = new ArrayList<>(List.of(""));
        List<String> previous = List.of("");
        for (int length = 1; length <= maxLength; length++) {
            List<String> next = new ArrayList<>();
            for (String prefix : previous) {
                for (char c : alphabet.toCharArray()) {
                    next.add(prefix + c);
                }
            }
            strings.addAll(next);
            previous = next;
        }
        return strings;
    }

    private static List<String> prefixed(String prefix, List<String> suffixes) {
        return suffixes.stream().map(suffix -> prefix + suffix).toList();
    }
}
