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
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * berth's one JSON configuration: a single shared {@link ObjectMapper}, created on first use, for
 * config.json and for the runtime's own state files.
 *
 * <p>Reading follows the runtime-spec and Go's encoding/json, which produced most files berth
 * reads: unknown properties are ignored (config.md: "MUST ignore unknown properties"), but a value
 * of the wrong type is an error rather than coerced ({@code "1024"} is not a number, {@code 1.5} is
 * not an integer) and text after the top-level value is an error. Writing omits nulls, so a field
 * that was absent stays absent.
 */
public final class Json {

    private Json() {
    }

    /** Created when first needed: building a mapper costs tens of milliseconds at CLI start-up. */
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

    /**
     * Reads {@code file} as a {@code type}. A missing file surfaces as
     * {@link java.nio.file.NoSuchFileException} so callers can tell "absent" from "broken"; a file
     * that is not valid JSON for {@code type} gives an IOException naming the file and field.
     */
    public static <T> T read(Path file, Class<T> type) throws IOException {
        byte[] content = readAllBytes(file);
        try {
            return parse(content, type);
        } catch (JsonContentException e) {
            throw new IOException(file + ": " + e.getMessage(), e.getCause());
        }
    }

    /** Parses {@code json} as a {@code type}; the message of the IOException names the field. */
    public static <T> T parse(String json, Class<T> type) throws IOException {
        try {
            return parse(json.getBytes(StandardCharsets.UTF_8), type);
        } catch (JsonContentException e) {
            throw new IOException(e.getMessage(), e.getCause());
        }
    }

    /**
     * The whole content of {@code file}. Not {@link Files#readAllBytes}: for a file whose size
     * reads as 0 (procfs, sysfs) it starts with a 1-byte read, and a sysctl file answers the next
     * read, at offset 1, with end-of-file ("40" reads as "4").
     */
    static byte[] readAllBytes(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readAllBytes();
        }
    }

    /**
     * Replaces {@code file} with {@code value} as compact JSON so that a reader sees either the old
     * or the new content, never a torn one: write a temporary file in the same directory (rename(2)
     * is only atomic within one file system), fsync it, rename it over the target, then fsync the
     * directory so the rename itself survives a crash. The file ends up with mode 0600, that of
     * {@link Files#createTempFile}.
     */
    public static void writeAtomically(Path file, Object value) throws IOException {
        byte[] content = toJson(value).getBytes(StandardCharsets.UTF_8);
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /** Compact JSON, nulls omitted. */
    public static String toJson(Object value) {
        try {
            return mapper().writeValueAsString(value);
        } catch (JacksonException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Parses with error messages from {@link JsonProblems}; the source name is added by callers. */
    static <T> T parse(byte[] content, Class<T> type) throws JsonContentException {
        ObjectMapper mapper = mapper();
        JsonParser parser = null;
        try {
            parser = mapper.createParser(content);
            T value = mapper.readValue(parser, type);
            if (value == null) {
                throw new JsonContentException("expected an object, got null", null);
            }
            return value;
        } catch (JacksonException e) {
            throw new JsonContentException(JsonProblems.describe(e, parser), e);
        } catch (IOException e) {
            // Reading from a byte array cannot fail with anything but a JacksonException.
            throw new UncheckedIOException(e);
        } finally {
            closeQuietly(parser);
        }
    }

    private static void closeQuietly(JsonParser parser) {
        if (parser != null) {
            try {
                parser.close();
            } catch (IOException ignored) {
                // Closing a parser over a byte array releases buffers only.
            }
        }
    }

    /** Content that is not the expected JSON; the message lacks only the source name. */
    static final class JsonContentException extends Exception {
        private static final long serialVersionUID = 1L;

        JsonContentException(String message, Throwable cause) {
            super(message, cause);
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
