package dev.berth.image.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.manifest.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes manifests, indexes and descriptors with jackson-core's generator: compact, fields in the
 * order the specs list them, map keys sorted, so the same input always gives the same bytes (and so
 * the same digest).
 */
final class JsonOut {
    private JsonOut() {
    }

    /** What a document body writes; only the generator's own I/O can fail. */
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] write(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(bytes)) {
            body.write(g);
        } catch (IOException e) {
            // Writing to memory: only a bug in a body can get here.
            throw new UncheckedIOException("JSON generation failed: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /** An image manifest (OCI image-manifest.md; Docker schema 2 has the same fields). */
    static byte[] manifest(String mediaType, Descriptor config, List<Descriptor> layers) {
        return write(g -> {
            g.writeStartObject();
            g.writeNumberField("schemaVersion", 2);
            g.writeStringField("mediaType", mediaType);
            g.writeFieldName("config");
            descriptor(g, config);
            g.writeArrayFieldStart("layers");
            for (Descriptor layer : layers) {
                descriptor(g, layer);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** An OCI image index, as image-layout.md's index.json is one. */
    static byte[] index(List<Descriptor> manifests) {
        return write(g -> {
            g.writeStartObject();
            g.writeNumberField("schemaVersion", 2);
            g.writeStringField("mediaType", MediaTypes.OCI_INDEX);
            g.writeArrayFieldStart("manifests");
            for (Descriptor d : manifests) {
                descriptor(g, d);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    static void descriptor(JsonGenerator g, Descriptor d) throws IOException {
        g.writeStartObject();
        g.writeStringField("mediaType", d.mediaType());
        g.writeStringField("digest", d.digest().toString());
        g.writeNumberField("size", d.size());
        if (!d.urls().isEmpty()) {
            stringArray(g, "urls", d.urls());
        }
        if (!d.annotations().isEmpty()) {
            stringMap(g, "annotations", d.annotations());
        }
        if (d.platform().isPresent()) {
            platform(g, d.platform().get());
        }
        g.writeEndObject();
    }

    static void stringArray(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    static void stringMap(JsonGenerator g, String field, Map<String, String> values) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void platform(JsonGenerator g, Platform p) throws IOException {
        g.writeObjectFieldStart("platform");
        g.writeStringField("architecture", p.architecture());
        g.writeStringField("os", p.os());
        if (!p.osVersion().isEmpty()) {
            g.writeStringField("os.version", p.osVersion());
        }
        if (!p.osFeatures().isEmpty()) {
            stringArray(g, "os.features", p.osFeatures());
        }
        if (!p.variant().isEmpty()) {
            g.writeStringField("variant", p.variant());
        }
        g.writeEndObject();
    }
}
