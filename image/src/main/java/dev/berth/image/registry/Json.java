package dev.berth.image.registry;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.berth.image.manifest.JsonTree;
import dev.berth.image.manifest.ManifestException;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The small JSON documents the registry protocol exchanges (token responses, error bodies,
 * ~/.docker/config.json) read into maps and lists with jackson-core's streaming parser.
 */
final class Json {
    private Json() {
    }

    /** Thrown for anything that is not one JSON object; the message says what was wrong. */
    static final class MalformedJsonException extends IOException {
        MalformedJsonException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static Map<String, Object> parseObject(byte[] json) throws MalformedJsonException {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedJsonException("expected a JSON object", null);
            }
            return JsonTree.readObject(p);
        } catch (ManifestException duplicateKey) {
            throw new MalformedJsonException(duplicateKey.getMessage(), duplicateKey);
        } catch (JacksonException e) {
            throw new MalformedJsonException("invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            // Parsing a byte array does no I/O; jackson declares IOException for its streams.
            throw new MalformedJsonException("invalid JSON: " + e.getMessage(), e);
        }
    }

    /** The string value of {@code key}, or null when absent or not a string. */
    static String string(Map<String, Object> o, String key) {
        return o.get(key) instanceof String s ? s : null;
    }

    /** The object value of {@code key}, or an empty map when absent or not an object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> o, String key) {
        return o.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** The array value of {@code key}, or an empty list when absent or not an array. */
    @SuppressWarnings("unchecked")
    static List<Object> array(Map<String, Object> o, String key) {
        return o.get(key) instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
