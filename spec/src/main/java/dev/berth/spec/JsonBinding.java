package dev.berth.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * Jackson data binding, for what is not on the CLI's hot path: writing records ({@link SpecWriter},
 * {@link Json#toJson}) and reading arbitrary types ({@link Json#read(Path, Class)}). Kept apart
 * from {@link Json} so that loading Json, or reading config.json, loads no databind class: building
 * the mapper and introspecting record types costs tens of milliseconds on a cold JVM.
 *
 * <p>Reading follows the same rules as {@link JsonInput}: unknown properties ignored, no coercion
 * between types, nothing after the top-level value. Writing omits nulls, so an absent field stays
 * absent.
 */
final class JsonBinding {

    private JsonBinding() {
    }

    /** Created when first needed. */
    private static final class Shared {
        static final ObjectMapper MAPPER = createMapper();
        static final ObjectWriter PRETTY = MAPPER.writer(prettyPrinter());
    }

    static ObjectMapper mapper() {
        return Shared.MAPPER;
    }

    /** Tab-indented, {@code "key": value}: the layout of runc's {@code json.MarshalIndent(v, "", "\t")}. */
    static ObjectWriter prettyWriter() {
        return Shared.PRETTY;
    }

    /** Parses with error messages from {@link JsonProblems}; the source name is added by callers. */
    static <T> T parse(byte[] content, Class<T> type) throws Json.JsonContentException {
        ObjectMapper mapper = mapper();
        JsonParser parser = null;
        try {
            parser = mapper.createParser(content);
            T value = mapper.readValue(parser, type);
            if (value == null) {
                throw new Json.JsonContentException("expected an object, got null", null);
            }
            return value;
        } catch (JacksonException e) {
            throw new Json.JsonContentException(JsonProblems.describe(e, parser), e);
        } catch (IOException e) {
            // Reading from a byte array cannot fail with anything but a JacksonException.
            throw new UncheckedIOException(e);
        } finally {
            Json.closeQuietly(parser);
        }
    }

    /** Compact JSON, nulls omitted. */
    static byte[] toBytes(Object value) {
        try {
            return mapper().writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Compact JSON, nulls omitted. */
    static String toJson(Object value) {
        try {
            return mapper().writeValueAsString(value);
        } catch (JacksonException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static ObjectMapper createMapper() {
        return JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // ALLOW_COERCION_OF_SCALARS does not cover number/boolean -> String: Go's
                // encoding/json rejects {"ociVersion": 1}, and so does berth.
                .withCoercionConfig(LogicalType.Textual, strings -> strings
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
                .addModule(plainTypesModule())
                .build();
    }

    private static DefaultPrettyPrinter prettyPrinter() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultIndenter tabs = new DefaultIndenter("\t", "\n");
        return new DefaultPrettyPrinter(separators).withObjectIndenter(tabs).withArrayIndenter(tabs);
    }

    /**
     * Paths as plain strings (Jackson's default writes a {@code file://} URI, which no other tool
     * expects in a "bundle" field) and instants as RFC 3339 strings like runc's "created".
     */
    private static SimpleModule plainTypesModule() {
        SimpleModule module = new SimpleModule("berth-plain-types");
        module.addSerializer(Path.class, new ToStringSerializer<>(Path.class));
        module.addSerializer(Instant.class, new ToStringSerializer<>(Instant.class));
        module.addDeserializer(Path.class, new StringValueDeserializer<>(Path.class, "a path") {
            @Override
            Path convert(String text) {
                return Path.of(text);
            }
        });
        module.addDeserializer(Instant.class, new StringValueDeserializer<>(Instant.class, "an RFC 3339 time") {
            @Override
            Instant convert(String text) {
                return Instant.parse(text);
            }
        });
        return module;
    }

    private static final class ToStringSerializer<T> extends JsonSerializer<T> {
        private final Class<T> type;

        ToStringSerializer(Class<T> type) {
            this.type = type;
        }

        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(value.toString());
        }

        @Override
        public Class<T> handledType() {
            return type;
        }
    }

    private abstract static class StringValueDeserializer<T> extends JsonDeserializer<T> {
        private final Class<T> type;
        private final String expected;

        StringValueDeserializer(Class<T> type, String expected) {
            this.type = type;
            this.expected = expected;
        }

        abstract T convert(String text);

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw new TypeMismatch(p, expected, type);
            }
            try {
                return convert(p.getText());
            } catch (DateTimeException | java.nio.file.InvalidPathException e) {
                throw new TypeMismatch(p, expected, type);
            }
        }

        @Override
        public Class<?> handledType() {
            return type;
        }
    }
}
