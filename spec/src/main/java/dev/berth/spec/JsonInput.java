package dev.berth.spec;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads over Jackson's streaming {@link JsonParser}, for hand-written readers of berth's
 * records: no data binding, whose reflection over record types costs ~90 ms on a cold JVM (see
 * docs/benchmarks.md). Errors name the JSON path and what was found
 * ({@code process.args[1]: expected a string, got 3}), as {@link JsonValueException}.
 *
 * <p>The rules are those of Go's encoding/json, which wrote most files berth reads: a value of the
 * wrong type is an error, never coerced ({@code "1024"} is not a number, {@code 1.5} not an
 * integer); JSON null reads as Java null for every type; unknown fields are skipped by the
 * readers (config.md: "MUST ignore unknown properties"); of a duplicated field the last wins.
 *
 * <p>Every read starts with the parser on the value's first token and leaves it on the value's
 * last token (the scalar itself, or END_OBJECT / END_ARRAY), as Jackson's own deserializers do.
 * A reader of a record looks like:
 * <pre>{@code
 * static Root root(JsonInput in) throws IOException {
 *     if (!in.beginObject()) {
 *         return null;
 *     }
 *     String path = null;
 *     Boolean readonly = null;
 *     for (String field = in.nextField(); field != null; field = in.nextField()) {
 *         switch (field) {
 *             case "path" -> path = in.string();
 *             case "readonly" -> readonly = in.bool();
 *             default -> in.skipValue();
 *         }
 *     }
 *     return new Root(path, readonly);
 * }
 * }</pre>
 */
public final class JsonInput {

    /** Reads one value; {@code in} is on its first token. */
    @FunctionalInterface
    public interface ValueReader<T> {
        T read(JsonInput in) throws IOException;
    }

    private static final String INT32 = "an integer from -2147483648 to 2147483647";
    private static final String INT64 = "an integer from -9223372036854775808 to 9223372036854775807";
    private static final String UINT16 = "an unsigned 16-bit integer (0 to 65535)";
    private static final String UINT32 = "an unsigned 32-bit integer (0 to 4294967295)";
    private static final String UINT64 = "an unsigned 64-bit integer (0 to 18446744073709551615)";

    private final JsonParser parser;

    /** Reads from {@code parser}, which the caller creates (see {@link Json#parser}) and closes. */
    public JsonInput(JsonParser parser) {
        this.parser = parser;
    }

    /**
     * Reads a whole document with {@code reader}: its top-level value MUST be an object (config.json
     * and berth's state files are), and nothing but whitespace may follow it.
     */
    static <T> T document(JsonParser parser, ValueReader<T> reader) throws IOException {
        JsonInput in = new JsonInput(parser);
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw in.mismatch("an object");
        }
        T value = reader.read(in);
        if (parser.nextToken() != null) {
            throw new JsonParseException(parser, "expected end of input after the top-level object, got "
                    + JsonText.describeCurrentValue(parser), parser.currentTokenLocation());
        }
        return value;
    }

    /** The parser, for values this class has no method for; leave it on the value's last token. */
    public JsonParser parser() {
        return parser;
    }

    /** Enters an object: true on '{', false on null (the caller returns null); otherwise an error. */
    public boolean beginObject() throws IOException {
        return begin(JsonToken.START_OBJECT, "an object");
    }

    /**
     * Moves to the next field of the object entered with {@link #beginObject}: returns its name with
     * the parser on its value, or null at the end of the object. Every returned field's value must
     * be read or skipped before the next call.
     */
    public String nextField() throws IOException {
        String name = parser.nextFieldName();
        if (name != null) {
            parser.nextToken();
        }
        return name;
    }

    /** Skips the current value, nested objects and arrays included (an unknown field). */
    public void skipValue() throws IOException {
        parser.skipChildren();
    }

    /** Enters an array: true on '[', false on null (the caller returns null); otherwise an error. */
    public boolean beginArray() throws IOException {
        return begin(JsonToken.START_ARRAY, "an array");
    }

    /** Moves to the next element of the array entered with {@link #beginArray}; false at its end. */
    public boolean nextElement() throws IOException {
        return parser.nextToken() != JsonToken.END_ARRAY;
    }

    /** A string; a number or boolean is not coerced into one. */
    public String string() throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        throw mismatch("a string");
    }

    /** true or false; not "true", not 1 (data binding read a blank string as null here; this does not). */
    public Boolean bool() throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
            return token == JsonToken.VALUE_TRUE;
        }
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        throw mismatch("a boolean");
    }

    /** A Go {@code int} / Java int: an integer literal in -2^31 .. 2^31-1. */
    public Integer int32() throws IOException {
        if (!integerOrNull("an integer")) {
            return null;
        }
        if (parser.getNumberType() != JsonParser.NumberType.INT) {
            throw mismatch(INT32);
        }
        return parser.getIntValue();
    }

    /** A Go {@code int64}: an integer literal in -2^63 .. 2^63-1. */
    public Long int64() throws IOException {
        if (!integerOrNull("an integer")) {
            return null;
        }
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw mismatch(INT64);
        }
        return parser.getLongValue();
    }

    /** A Go {@code uint16} (block I/O weights): 0 .. 65535. */
    public Integer uint16() throws IOException {
        Long value = bounded(0xFFFF, UINT16);
        return value == null ? null : value.intValue();
    }

    /** A Go {@code uint32} (ids, modes): 0 .. 4294967295, held in a Long. */
    public Long uint32() throws IOException {
        return bounded(Unsigned.UINT32_MAX, UINT32);
    }

    /**
     * A Go {@code uint64}, 0 .. 2^64-1, held in a Long as two's complement: 18446744073709551615
     * (RLIM_INFINITY) reads as -1L. See {@link Unsigned.Uint64}.
     */
    public Long uint64() throws IOException {
        if (!integerOrNull(UINT64)) {
            return null;
        }
        if (parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            long value = parser.getLongValue();
            if (value < 0) {
                throw mismatch(UINT64);
            }
            return value;
        }
        // Above Long.MAX_VALUE: JSON integers have no sign but '-' and no leading zeros, so the
        // literal is a plain decimal that parseUnsignedLong takes if and only if it is below 2^64.
        String text = parser.getText();
        if (text.startsWith("-")) {
            throw mismatch(UINT64);
        }
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException tooLarge) {
            throw mismatch(UINT64);
        }
    }

    /** An array of strings (null elements kept as null, as data binding kept them). */
    public List<String> strings() throws IOException {
        if (!beginArray()) {
            return null;
        }
        List<String> list = new ArrayList<>();
        while (nextElement()) {
            list.add(string());
        }
        return list;
    }

    /** An object of string values, in file order; keys are shown as {@code ["key"]} in errors. */
    public Map<String, String> stringMap() throws IOException {
        if (!beginMap()) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String key = nextField(); key != null; key = nextField()) {
            map.put(key, string());
        }
        return map;
    }

    /** An array whose elements {@code element} reads. */
    public <T> List<T> list(ValueReader<T> element) throws IOException {
        if (!beginArray()) {
            return null;
        }
        List<T> list = new ArrayList<>();
        while (nextElement()) {
            list.add(element.read(this));
        }
        return list;
    }

    /** An object used as a map from its keys to values {@code value} reads, in file order. */
    public <T> Map<String, T> map(ValueReader<T> value) throws IOException {
        if (!beginMap()) {
            return null;
        }
        Map<String, T> map = new LinkedHashMap<>();
        for (String key = nextField(); key != null; key = nextField()) {
            map.put(key, value.read(this));
        }
        return map;
    }

    /**
     * Enters an object whose keys are data rather than field names (sysctl names contain dots), so
     * that error paths show them as {@code ["key"]}; iterate it with {@link #nextField}.
     */
    public boolean beginMap() throws IOException {
        if (!beginObject()) {
            return false;
        }
        parser.getParsingContext().setCurrentValue(JsonText.MAP_CONTEXT);
        return true;
    }

    /**
     * The error for the value the parser is on: its path, {@code expected} ("an RFC 3339 time") and
     * the value as written. For values this class cannot check, e.g. a string that must parse.
     */
    public JsonValueException mismatch(String expected) {
        return new JsonValueException(JsonText.path(parser), expected, JsonText.describeCurrentValue(parser));
    }

    private boolean begin(JsonToken start, String expected) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == start) {
            return true;
        }
        if (token == JsonToken.VALUE_NULL) {
            return false;
        }
        throw mismatch(expected);
    }

    /** True on an integer literal, false on null; a fraction or exponent (1.0, 1e3) is not an integer. */
    private boolean integerOrNull(String expected) throws JsonValueException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return true;
        }
        if (token == JsonToken.VALUE_NULL) {
            return false;
        }
        throw mismatch(expected);
    }

    private Long bounded(long max, String expected) throws IOException {
        if (!integerOrNull(expected)) {
            return null;
        }
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw mismatch(expected);
        }
        long value = parser.getLongValue();
        if (value < 0 || value > max) {
            throw mismatch(expected);
        }
        return value;
    }
}
