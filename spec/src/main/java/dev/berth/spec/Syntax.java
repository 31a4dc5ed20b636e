package dev.berth.spec;

/**
 * The few textual formats the validator checks, matched by hand rather than with
 * java.util.regex: compiling a Pattern in a static initialiser is a measurable part of a cold
 * CLI start, and these grammars are small. SyntaxTest checks each against the regular expression
 * it replaces, over every short string of the relevant characters.
 */
final class Syntax {

    private Syntax() {
    }

    /**
     * SemVer 2.0.0 (semver.org): MAJOR.MINOR.PATCH without leading zeros, then optionally
     * {@code -pre.release} (identifiers of [0-9A-Za-z-], numeric ones without leading zeros) and
     * {@code +build.metadata} (identifiers of [0-9A-Za-z-]).
     */
    static boolean isSemVer(String text) {
        int plus = text.indexOf('+');
        String beforeBuild = plus < 0 ? text : text.substring(0, plus);
        if (plus >= 0 && !identifiers(text.substring(plus + 1), false)) {
            return false;
        }
        int dash = beforeBuild.indexOf('-');
        String core = dash < 0 ? beforeBuild : beforeBuild.substring(0, dash);
        if (dash >= 0 && !identifiers(beforeBuild.substring(dash + 1), true)) {
            return false;
        }
        int first = core.indexOf('.');
        int second = first < 0 ? -1 : core.indexOf('.', first + 1);
        return second >= 0
                && isNumber(core, 0, first)
                && isNumber(core, first + 1, second)
                && isNumber(core, second + 1, core.length());
    }

    /** cpuset(7) list format: "0-3,6,8-9" (decimal numbers and ranges, comma-separated). */
    static boolean isCpuList(String text) {
        int i = 0;
        while (true) {
            int end = digits(text, i);
            if (end == i) {
                return false;
            }
            if (end < text.length() && text.charAt(end) == '-') {
                int rangeEnd = digits(text, end + 1);
                if (rangeEnd == end + 1) {
                    return false;
                }
                end = rangeEnd;
            }
            if (end == text.length()) {
                return true;
            }
            if (text.charAt(end) != ',') {
                return false;
            }
            i = end + 1;
        }
    }

    /** config-linux.md hugepage sizes: "&lt;size&gt;&lt;unit-prefix&gt;B" such as 64KB, 2MB, 1GB (no leading zero). */
    static boolean isPageSize(String text) {
        int end = digits(text, 0);
        if (end == 0 || text.charAt(0) == '0') {
            return false;
        }
        if (end < text.length() && "KMGTP".indexOf(text.charAt(end)) >= 0) {
            end++;
        }
        return end == text.length() - 1 && text.charAt(end) == 'B';
    }

    /** Dot-separated, non-empty [0-9A-Za-z-]+ identifiers; numeric ones without leading zeros if asked. */
    private static boolean identifiers(String text, boolean numericWithoutLeadingZero) {
        int start = 0;
        while (true) {
            int dot = text.indexOf('.', start);
            int end = dot < 0 ? text.length() : dot;
            if (end == start) {
                return false;
            }
            boolean numeric = true;
            for (int i = start; i < end; i++) {
                char c = text.charAt(i);
                boolean digit = c >= '0' && c <= '9';
                if (!digit && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && c != '-') {
                    return false;
                }
                numeric &= digit;
            }
            if (numericWithoutLeadingZero && numeric && !isNumber(text, start, end)) {
                return false;
            }
            if (dot < 0) {
                return true;
            }
            start = dot + 1;
        }
    }

    /** text[start, end) is "0" or a decimal number without a leading zero. */
    private static boolean isNumber(String text, int start, int end) {
        return end > start && digits(text, start) >= end && (text.charAt(start) != '0' || end - start == 1);
    }

    /** The index after the ASCII digits starting at {@code start}. */
    private static int digits(String text, int start) {
        int i = start;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i;
    }
}
