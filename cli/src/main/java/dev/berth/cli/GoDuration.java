package dev.berth.cli;

import java.math.BigDecimal;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as runc's flags take them: Go's time.ParseDuration. A sequence of decimal numbers,
 * each with a unit (ns, us or µs, ms, s, m, h), with an optional sign: "5s", "100ms", "1h30m",
 * "1.5s". A bare "0" needs no unit; any other number does.
 */
final class GoDuration implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return Duration.ofNanos(parseNanos(value));
    }

    /** Nanoseconds; a picocli TypeConversionException with Go's message when not a duration. */
    static long parseNanos(String text) {
        String rest = text;
        boolean negative = false;
        if (!rest.isEmpty() && (rest.charAt(0) == '-' || rest.charAt(0) == '+')) {
            negative = rest.charAt(0) == '-';
            rest = rest.substring(1);
        }
        if (rest.equals("0")) {
            return 0;
        }
        if (rest.isEmpty()) {
            throw invalid(text);
        }
        // BigDecimal, created here rather than in a static field: building a verb's model (every
        // help or usage error builds them all) must not initialise it.
        BigDecimal max = BigDecimal.valueOf(Long.MAX_VALUE);
        BigDecimal total = BigDecimal.ZERO;
        while (!rest.isEmpty()) {
            int numberEnd = 0;
            while (numberEnd < rest.length() && (Character.isDigit(rest.charAt(numberEnd)) && rest.charAt(numberEnd) < 128
                    || rest.charAt(numberEnd) == '.')) {
                numberEnd++;
            }
            String number = rest.substring(0, numberEnd);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw invalid(text);
            }
            int unitEnd = numberEnd;
            while (unitEnd < rest.length() && rest.charAt(unitEnd) != '.' && !Character.isDigit(rest.charAt(unitEnd))) {
                unitEnd++;
            }
            String unit = rest.substring(numberEnd, unitEnd);
            if (unit.isEmpty()) {
                throw new TypeConversionException("time: missing unit in duration " + GoJson.quote(text));
            }
            total = total.add(new BigDecimal(number.endsWith(".") ? number + "0" : number).multiply(unitNanos(unit, text)));
            if (total.compareTo(max) > 0) {
                throw invalid(text);
            }
            rest = rest.substring(unitEnd);
        }
        long nanos = total.longValue(); // Go truncates fractions of a nanosecond
        return negative ? -nanos : nanos;
    }

    private static BigDecimal unitNanos(String unit, String text) {
        long nanos = switch (unit) {
            case "ns" -> 1L;
            case "us", "\u00b5s", "\u03bcs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new TypeConversionException(
                    "time: unknown unit " + GoJson.quote(unit) + " in duration " + GoJson.quote(text));
        };
        return BigDecimal.valueOf(nanos);
    }

    private static TypeConversionException invalid(String text) {
        return new TypeConversionException("time: invalid duration " + GoJson.quote(text));
    }
}
