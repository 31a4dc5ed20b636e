package dev.berth.spec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Turns Jackson's exceptions into one short sentence a user can act on: the JSON field path and
 * what was expected there ({@code linux.resources.memory.limit: expected an integer, got "abc"}),
 * or, for a syntax error, where the text stops being JSON. For data binding only ({@link JsonBinding});
 * the streaming reader {@link JsonInput} words the same errors through {@link JsonText}.
 */
final class JsonProblems {

    private JsonProblems() {
    }

    /**
     * Describes {@code error}, thrown while {@code parser} was being read. The parser is needed
     * because it still sits on the offending value, which Jackson's exceptions do not keep.
     */
    static String describe(JacksonException error, JsonParser parser) {
        StreamReadException syntax = find(error, StreamReadException.class);
        if (syntax != null && !(syntax instanceof InputCoercionException)) {
            return JsonText.malformed(syntax);
        }
        String path = error instanceof JsonMappingException mapping ? path(mapping.getPath()) : "";
        String prefix = path.isEmpty() ? "" : path + ": ";
        TypeMismatch ours = find(error, TypeMismatch.class);
        if (ours != null) {
            return prefix + "expected " + ours.expected() + ", got " + ours.found();
        }
        InputCoercionException range = find(error, InputCoercionException.class);
        if (range != null) {
            return prefix + "expected " + integerRange(range.getTargetType()) + ", got " + JsonText.describeCurrentValue(parser);
        }
        MismatchedInputException mismatch = find(error, MismatchedInputException.class);
        if (mismatch != null) {
            return prefix + "expected " + expectedFor(mismatch.getTargetType()) + ", got " + JsonText.describeCurrentValue(parser);
        }
        return prefix + error.getOriginalMessage();
    }

    /** {@code a.b[2].c}; map keys (which may contain dots, e.g. sysctl names) as {@code ["key"]}. */
    static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : references) {
            if (ref.getFieldName() != null && ref.getFrom() instanceof Map<?, ?>) {
                path.append('[').append(JsonText.quote(ref.getFieldName())).append(']');
            } else if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String expectedFor(Class<?> type) {
        if (type == null) {
            return "a different value";
        }
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class
                || type == Short.class || type == short.class || type == BigInteger.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (CharSequence.class.isAssignableFrom(type) || type == java.nio.file.Path.class
                || type == java.time.Instant.class || type.isEnum()) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private static String integerRange(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return "an integer from -2147483648 to 2147483647";
        }
        return "an integer from -9223372036854775808 to 9223372036854775807";
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
