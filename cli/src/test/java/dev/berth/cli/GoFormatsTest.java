package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.runtime.RuntimeFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The value syntaxes runc inherits from Go libraries: go-units sizes and time.ParseDuration. */
class GoFormatsTest {
    @Test
    void ramBytesAsGoUnits() {
        Map<String, Long> sizes = Map.ofEntries(Map.entry("0", 0L), Map.entry("512", 512L), Map.entry("1b", 1L),
                Map.entry("64m", 64L << 20), Map.entry("64M", 64L << 20), Map.entry("64mb", 64L << 20),
                Map.entry("64MiB", 64L << 20), Map.entry("1k", 1024L), Map.entry("2 GB", 2L << 30),
                Map.entry("1.5k", 1536L), Map.entry("1t", 1L << 40), Map.entry("1p", 1L << 50),
                Map.entry("0.5b", 0L), Map.entry(".5k", 512L));
        sizes.forEach((text, bytes) -> assertEquals(bytes, RamBytes.parse(text), text));
    }

    @Test
    void ramBytesRefusesWhatGoUnitsRefuses() {
        Map<String, String> errors = Map.of("", "invalid size: ''", "m", "invalid size: 'm'",
                "-5m", "invalid size: '-5m'", "1.2.3", "invalid size: '1.2.3'", "5x", "invalid suffix: 'x'",
                "5mbb", "invalid suffix: 'mbb'", "5bi", "invalid suffix: 'bi'", "5mi", "invalid suffix: 'mi'");
        errors.forEach((text, message) ->
                assertEquals(message, assertThrows(RuntimeFailure.class, () -> RamBytes.parse(text)).getMessage(), text));
        assertThrows(RuntimeFailure.class, () -> RamBytes.parse("9000000p"), "beyond int64");
    }

    @Test
    void durationsAsGoParsesThem() {
        Map<String, Long> nanos = Map.ofEntries(Map.entry("0", 0L), Map.entry("5s", 5_000_000_000L),
                Map.entry("100ms", 100_000_000L), Map.entry("1h30m", 5_400_000_000_000L),
                Map.entry("1.5s", 1_500_000_000L), Map.entry("+2us", 2_000L), Map.entry("3\u00b5s", 3_000L),
                Map.entry("-1m", -60_000_000_000L), Map.entry("10ns", 10L), Map.entry(".5s", 500_000_000L),
                Map.entry("1.0000000009s", 1_000_000_000L));
        nanos.forEach((text, value) -> assertEquals(value, GoDuration.parseNanos(text), text));
    }

    @Test
    void badDurationsGetGosMessages() {
        for (List<String> c : List.of(List.of("", "time: invalid duration \"\""), List.of("5", "time: missing unit in duration \"5\""),
                List.of("5d", "time: unknown unit \"d\" in duration \"5d\""), List.of(".s", "time: invalid duration \".s\""),
                List.of("s", "time: invalid duration \"s\""), List.of("-", "time: invalid duration \"-\""),
                List.of("9999999999h", "time: invalid duration \"9999999999h\""))) {
            assertEquals(c.get(1), assertThrows(TypeConversionException.class,
                    () -> GoDuration.parseNanos(c.get(0))).getMessage(), c.get(0));
        }
    }
}
