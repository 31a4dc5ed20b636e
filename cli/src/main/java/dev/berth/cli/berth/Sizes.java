package dev.berth.cli.berth;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Sizes as docker prints them: decimal units and a number of significant digits, three for its
 * tables (go-units HumanSizeWithPrecision(size, 3)), four where it calls go-units HumanSize.
 */
final class Sizes {
    private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB"};

    private Sizes() {
    }

    static String human(long bytes) {
        return human(bytes, 3);
    }

    static String human(long bytes, int significantDigits) {
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        BigDecimal shown = new BigDecimal(value).round(new MathContext(significantDigits)).stripTrailingZeros();
        return shown.toPlainString() + UNITS[unit];
    }
}
