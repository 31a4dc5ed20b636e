package dev.berth.cli;

import dev.berth.runtime.RuntimeFailure;
import java.util.Locale;

/**
 * Memory sizes as runc's `update` reads them: docker/go-units RAMInBytes. A decimal number,
 * optionally one space, optionally a binary unit k, m, g, t or p (powers of 1024), which may be
 * followed by "b" or "ib"; or just "b". Case does not matter: "64m", "64MiB", "1.5 GB", "512".
 */
final class RamBytes {
    private RamBytes() {
    }

    /** The size in bytes; a RuntimeFailure with go-units' message when {@code text} is not one. */
    static long parse(String text) {
        int last = lastNumberCharacter(text);
        if (last < 0) {
            throw new RuntimeFailure("invalid size: '" + text + "'");
        }
        String number = text.charAt(last) == ' ' ? text.substring(0, last) : text.substring(0, last + 1);
        String suffix = text.substring(last + 1).toLowerCase(Locale.ROOT);
        if (!number.matches("[0-9]*\\.?[0-9]*") || !number.matches(".*[0-9].*")) {
            throw new RuntimeFailure("invalid size: '" + text + "'");
        }
        double size = Double.parseDouble(number) * multiplier(suffix);
        // go-units converts with int64(size): the fraction is dropped.
        if (size >= 0x1p63) {
            throw new RuntimeFailure("invalid size: '" + text + "' (more than 2^63-1 bytes)");
        }
        return (long) size;
    }

    /** Like go-units: the number is everything up to the last digit, dot or space. */
    private static int lastNumberCharacter(String text) {
        for (int i = text.length() - 1; i >= 0; i--) {
            char c = text.charAt(i);
            if ((c >= '0' && c <= '9') || c == '.' || c == ' ') {
                return i;
            }
        }
        return -1;
    }

    private static double multiplier(String suffix) {
        if (suffix.isEmpty() || suffix.equals("b")) {
            return 1;
        }
        int power = "kmgtp".indexOf(suffix.charAt(0)) + 1;
        String rest = suffix.substring(1);
        if (power == 0 || !(rest.isEmpty() || rest.equals("b") || rest.equals("ib"))) {
            throw new RuntimeFailure("invalid suffix: '" + suffix + "'");
        }
        return Math.pow(1024, power);
    }
}
