package dev.berth.image.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON object read with Jackson's streaming parser into plain maps, lists, strings, longs,
 * doubles and booleans: small documents (manifests, registry responses) that are then checked
 * field by field, without a data-binding library.
 */
public final class JsonTree {
    private JsonTree() {
    }

    /**
     * Reads the object whose START_OBJECT {@code p} is at. Duplicate keys are rejected: RFC 8259
     * leaves their meaning undefined, and two parsers disagreeing about which "digest" counts is
     * exactly how a verified manifest could smuggle different content.
     *
     * @throws ManifestException on a duplicate key
     */
    public static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> result = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (result.containsKey(name)) {
                throw new ManifestException("document: duplicate key '" + name + "'");
            }
            result.put(name, readValue(p));
        }
        return result;
    }

    private static Object readValue(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> readObject(p);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(p));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> null;
        };
    }
}
