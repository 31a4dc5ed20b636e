package dev.berth.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The hand-written streaming reader of config.json ({@link SpecReader}) against Jackson's data
 * binding of the same records ({@link Json#parse(String, Class)}, which honours the
 * {@link Unsigned} annotations), over documents generated from the records themselves: every field
 * of every record, reached by every route (mounts[].uidMappings and linux.uidMappings alike), given
 * values of every JSON type and at every integer boundary. Both must give the same record or the
 * same message. Because the fields are found by reflection, a component added to a record but not
 * to the reader fails here (binding reads it, the streaming reader would skip it).
 */
class SpecReaderEquivalenceTest {

    /**
     * JSON literals of every type, at the bounds of int32, int64, uint16, uint32 and uint64. Not a
     * blank string such as " ": data binding read it as null into a Boolean, Integer or Long, and
     * the streaming reader refuses it on purpose (SpecReaderTest#aBlankStringIsNeitherANumberNorABoolean).
     */
    private static final List<String> VALUES = List.of(
            "\"abc\"", "\"\"", "\"1\"", "\"\\u00e9\\n\"", "1", "-1", "0", "-0", "1.5", "1.0", "1e3", "-1.0E2", "1.5e400",
            "true", "false", "null", "[]", "[1]", "[\"a\"]", "[null]", "[[]]", "[{}]", "[1, \"b\"]", "{}", "{\"a\": 1}",
            "{\"a\": \"b\"}", "{\"k.e\\\"y\": null}", "65535", "65536", "2147483647", "2147483648", "-2147483648",
            "-2147483649", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616",
            "123456789012345678901234567890");

    /** A record, or the message of the SpecException. */
    private record Outcome(Spec spec, String message) {
    }

    @Test
    void everyFieldReadsAsDataBindingReadIt() {
        List<String> documents = new ArrayList<>();
        collect(Spec.class, UnaryOperator.identity(), documents);
        assertTrue(documents.size() > 5_000, "generated " + documents.size() + " documents");

        assertSameOutcomes(documents);
    }

    @Test
    void everyTruncationOfRealConfigsFailsAlike() throws IOException {
        List<String> documents = new ArrayList<>();
        for (String name : List.of("full-config.json", "runc-spec.json")) {
            String whole = SpecReaderTest.resource(name);
            documents.add(whole);
            for (int end = 0; end < whole.length(); end += 3) {
                documents.add(whole.substring(0, end));
            }
        }

        assertSameOutcomes(documents);
    }

    /** Not here: text after the top-level object, which is now worded as malformed JSON (SpecReaderTest). */
    @Test
    void topLevelValuesAndSyntaxErrorsAlike() {
        assertSameOutcomes(List.of("", " ", "[]", "[{}]", "null", "1", "\"x\"", "true", "{", "}", "{]", "{\"a\"}",
                "{\"a\":}", "{'a': 1}", "{\"a\": 01}", "{\"a\": \"\\x\"}", "{\"a\": NaN}", "{\"a\": [1,]}",
                "{\"a\": 1,}", "{\"ociVersion\": \"1.2.0\"}\n}", "{}]", "\uFEFF{}", "{\"a\": \"\u0001\"}",
                "{\"ociVersion\": \"a\", \"ociVersion\": \"b\"}",
                "{\"root\": {\"path\": \"a\"}, \"root\": {\"readonly\": true}}",
                "{\"process\": {\"args\": [\"a\", 3], \"env\": 5}}"));
    }

    /**
     * Adds documents that put each value at each field of {@code type}, and recurses into the
     * records its fields hold. {@code wrap} turns an object of {@code type} into a whole document.
     */
    private static void collect(Class<?> type, UnaryOperator<String> wrap, List<String> documents) {
        RecordComponent[] components = type.getRecordComponents();
        for (RecordComponent component : components) {
            String name = jsonName(component);
            for (String value : VALUES) {
                documents.add(wrap.apply("{\"" + name + "\": " + value + "}"));
            }
            // Unknown fields around a known one, and a duplicated field (the last one wins).
            documents.add(wrap.apply("{\"zz\": {\"" + name + "\": 1}, \"" + name + "\": null, \"y\": [[{}], 1]}"));
            documents.add(wrap.apply("{\"" + name + "\": [], \"" + name + "\": {}, \"" + name + "\": 7}"));
            Type generic = component.getGenericType();
            if (generic instanceof Class<?> field && field.isRecord()) {
                collect(field, inner -> wrap.apply("{\"" + name + "\": " + inner + "}"), documents);
            } else if (generic instanceof ParameterizedType parameterized
                    && parameterized.getActualTypeArguments()[parameterized.getActualTypeArguments().length - 1]
                            instanceof Class<?> element && element.isRecord()) {
                boolean map = parameterized.getRawType() == Map.class;
                // A null first element or entry, so that the record under test is at index/key 1.
                collect(element, inner -> wrap.apply("{\"" + name + "\": "
                        + (map ? "{\"a\": null, \"k.e\\\"y\": " + inner + "}" : "[null, " + inner + "]") + "}"), documents);
            }
        }
    }

    private static String jsonName(RecordComponent component) {
        JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
        return renamed == null ? component.getName() : renamed.value();
    }

    private static void assertSameOutcomes(List<String> documents) {
        List<String> differences = new ArrayList<>();
        for (String document : documents) {
            Outcome streaming = streaming(document);
            Outcome binding = binding(document);
            if (!streaming.equals(binding)) {
                differences.add(document + "\n    streaming: " + streaming + "\n    binding:   " + binding);
            }
        }
        if (!differences.isEmpty()) {
            fail(differences.size() + " of " + documents.size() + " documents differ, e.g.:\n"
                    + String.join("\n", differences.subList(0, Math.min(20, differences.size()))));
        }
        assertEquals(List.of(), differences);
    }

    private static Outcome streaming(String document) {
        try {
            return new Outcome(SpecReader.parse(document, "config.json"), null);
        } catch (SpecException e) {
            return new Outcome(null, e.getMessage());
        }
    }

    private static Outcome binding(String document) {
        try {
            return new Outcome(Json.parse(document, Spec.class), null);
        } catch (IOException e) {
            return new Outcome(null, "config.json: " + e.getMessage());
        }
    }
}
