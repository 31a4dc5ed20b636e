package dev.berth.cli.berth;

import java.math.BigDecimal;
import java.math.MathContext;

/** Sizes as docker prints them: decimal units, three significant digits (go-units HumanSize). */
final class Sizes {
    private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB"};

    private Sizes() {
    }

    static String human(long bytes) {
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        BigDecimal shown = new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros();
        return shown.toPlainString() + UNITS[unit];
    }
}
