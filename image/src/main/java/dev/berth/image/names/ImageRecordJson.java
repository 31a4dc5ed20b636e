package dev.berth.image.names;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The images.json format: {@code {"images":[{"name":..,"mediaType":..,"digest":..,"size":..,
 * "created":..,"updated":..}]}}. Only berth writes it, but a damaged file must still give an error
 * that names the file and the field rather than a silently empty table.
 */
final class ImageRecordJson {
    private ImageRecordJson() {
    }

    static void writeTable(JsonGenerator g, List<ImageRecord> records) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("images");
        for (ImageRecord r : records) {
            g.writeStartObject();
            g.writeStringField("name", r.name());
            g.writeStringField("mediaType", r.target().mediaType());
            g.writeStringField("digest", r.target().digest().toString());
            g.writeNumberField("size", r.target().size());
            g.writeStringField("created", r.created().toString());
            g.writeStringField("updated", r.updated().toString());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    static TreeMap<String, ImageRecord> readTable(JsonParser p, Path file) throws IOException {
        TreeMap<String, ImageRecord> table = new TreeMap<>();
        expect(p.nextToken(), JsonToken.START_OBJECT, file, "top level");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (!field.equals("images")) {
                p.skipChildren();
                continue;
            }
            expect(value, JsonToken.START_ARRAY, file, "images");
            int i = 0;
            while (p.nextToken() == JsonToken.START_OBJECT) {
                ImageRecord r = readRecord(p, file, "images[" + i++ + "]");
                table.put(r.name(), r);
            }
        }
        return table;
    }

    private static ImageRecord readRecord(JsonParser p, Path file, String where) throws IOException {
        Map<String, String> fields = new TreeMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            fields.put(name, p.getValueAsString());
        }
        try {
            Descriptor target = new Descriptor(required(fields, "mediaType", file, where),
                    Digest.parse(required(fields, "digest", file, where)),
                    Long.parseLong(required(fields, "size", file, where)), List.of(), Map.of(), Optional.empty());
            return new ImageRecord(required(fields, "name", file, where), target,
                    Instant.parse(required(fields, "created", file, where)),
                    Instant.parse(required(fields, "updated", file, where)));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IOException(file + ": " + where + ": " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> fields, String name, Path file, String where)
            throws IOException {
        String value = fields.get(name);
        if (value == null) {
            throw new IOException(file + ": " + where + "." + name + ": missing");
        }
        return value;
    }

    private static void expect(JsonToken actual, JsonToken expected, Path file, String where) throws IOException {
        if (actual != expected) {
            throw new IOException(file + ": " + where + ": expected " + expected + ", found " + actual);
        }
    }
}
