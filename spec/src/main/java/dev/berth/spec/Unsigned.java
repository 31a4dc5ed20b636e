package dev.berth.spec;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.math.BigInteger;

/**
 * The unsigned integer types of the runtime-spec (Go's uint16, uint32, uint64) mapped onto Java's
 * signed boxed types, with range checks at parse time so a negative uid or a 2^40 gid is reported
 * as a type error naming its field instead of silently wrapping.
 */
public final class Unsigned {

    private Unsigned() {
    }

    /**
     * A Go {@code uint64} held in a {@code Long} as two's complement: 18446744073709551615
     * (RLIM_INFINITY, "unlimited") reads as -1L. Compare with {@link Long#compareUnsigned} and
     * print with {@link Long#toUnsignedString}; it is written back as the unsigned decimal.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
    @JacksonAnnotationsInside
    @JsonDeserialize(using = Uint64Deserializer.class)
    @JsonSerialize(using = Uint64Serializer.class)
    public @interface Uint64 {
    }

    /** A Go {@code uint32} (uids, gids, modes) held in a {@code Long}: 0 .. 4294967295. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
    @JacksonAnnotationsInside
    @JsonDeserialize(using = Uint32Deserializer.class)
    public @interface Uint32 {
    }

    /** A Go {@code uint16} (block I/O weights) held in an {@code Integer}: 0 .. 65535. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
    @JacksonAnnotationsInside
    @JsonDeserialize(using = Uint16Deserializer.class)
    public @interface Uint16 {
    }

    /** The largest uint32, 2^32 - 1. */
    public static final long UINT32_MAX = 0xFFFF_FFFFL;

    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** Reads 0 .. 2^64-1 into a Long (two's complement above Long.MAX_VALUE). */
    static final class Uint64Deserializer extends JsonDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String expected = "an unsigned 64-bit integer (0 to 18446744073709551615)";
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw new TypeMismatch(p, expected, Long.class);
            }
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                BigInteger value = p.getBigIntegerValue();
                if (value.signum() < 0 || value.compareTo(UINT64_MAX) > 0) {
                    throw new TypeMismatch(p, expected, Long.class);
                }
                return value.longValue();
            }
            long value = p.getLongValue();
            if (value < 0) {
                throw new TypeMismatch(p, expected, Long.class);
            }
            return value;
        }

        @Override
        public Class<?> handledType() {
            return Long.class;
        }
    }

    /** Writes a two's complement Long back as the unsigned decimal it stands for. */
    static final class Uint64Serializer extends JsonSerializer<Long> {
        @Override
        public void serialize(Long value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeNumber(new BigInteger(Long.toUnsignedString(value)));
        }

        @Override
        public Class<Long> handledType() {
            return Long.class;
        }
    }

    /** Reads 0 .. 2^32-1 into a Long. */
    static final class Uint32Deserializer extends JsonDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return readBounded(p, UINT32_MAX, "an unsigned 32-bit integer (0 to 4294967295)");
        }

        @Override
        public Class<?> handledType() {
            return Long.class;
        }
    }

    /** Reads 0 .. 65535 into an Integer. */
    static final class Uint16Deserializer extends JsonDeserializer<Integer> {
        @Override
        public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return (int) readBounded(p, 0xFFFF, "an unsigned 16-bit integer (0 to 65535)");
        }

        @Override
        public Class<?> handledType() {
            return Integer.class;
        }
    }

    private static long readBounded(JsonParser p, long max, String expected) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
                || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new TypeMismatch(p, expected, Long.class);
        }
        long value = p.getLongValue();
        if (value < 0 || value > max) {
            throw new TypeMismatch(p, expected, Long.class);
        }
        return value;
    }
}
