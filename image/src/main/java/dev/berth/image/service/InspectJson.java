package dev.berth.image.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.registry.Reference;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code image inspect} output in the shape of Docker's {@code GET /images/{name}/json} (so scripts
 * written for {@code docker image inspect} keep working, and the engine API can serve it later):
 * Id, RepoTags, RepoDigests, Created, Config (copied from the image config as it is), Architecture,
 * Os, Size, RootFS. Berth adds Manifest: the descriptor of what the names point at and the layers
 * as stored, so the content store can be followed by hand.
 */
final class InspectJson {
    private static final JsonFactory JSON = new JsonFactory();

    private InspectJson() {
    }

    static String write(List<LocalImage> images, ContentStore store) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(text)) {
            g.useDefaultPrettyPrinter();
            g.writeStartArray();
            for (LocalImage image : images) {
                writeImage(g, image, store);
            }
            g.writeEndArray();
        }
        return text.toString();
    }

    private static void writeImage(JsonGenerator g, LocalImage image, ContentStore store) throws IOException {
        g.writeStartObject();
        g.writeStringField("Id", image.id().toString());
        Set<String> tags = new LinkedHashSet<>();
        Set<String> digests = new LinkedHashSet<>();
        for (String name : image.names()) {
            Reference ref = Reference.parse(name);
            if (ref.tag().isPresent()) {
                tags.add(ref.familiar());
            }
            // withDigest drops the tag: RepoDigests name the repository and the digest only.
            digests.add(ref.withDigest(image.top().digest()).familiar());
        }
        stringArray(g, "RepoTags", tags);
        stringArray(g, "RepoDigests", digests);
        g.writeStringField("Created", image.config().created() == null ? "" : image.config().created());
        g.writeFieldName("Config");
        copyConfigObject(g, store, image.manifest().config().digest());
        g.writeStringField("Architecture", nullToEmpty(image.config().architecture()));
        g.writeStringField("Os", nullToEmpty(image.config().os()));
        g.writeNumberField("Size", image.size());
        g.writeObjectFieldStart("RootFS");
        g.writeStringField("Type", "layers");
        stringArray(g, "Layers", image.config().diffIds().stream().map(Digest::toString).toList());
        g.writeEndObject();
        g.writeObjectFieldStart("Manifest");
        descriptorFields(g, image.top());
        if (!image.manifestDescriptor().equals(image.top())) {
            g.writeObjectFieldStart("PlatformManifest");
            descriptorFields(g, image.manifestDescriptor());
            g.writeEndObject();
        }
        g.writeArrayFieldStart("Layers");
        for (Descriptor layer : image.manifest().layers()) {
            g.writeStartObject();
            descriptorFields(g, layer);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
    }

    /** The image config's own "config" object, token by token; {} when it has none. */
    private static void copyConfigObject(JsonGenerator g, ContentStore store, Digest config) throws IOException {
        try (InputStream in = store.open(config); JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (field.equals("config") && value == JsonToken.START_OBJECT) {
                        g.copyCurrentStructure(p);
                        return;
                    }
                    p.skipChildren();
                }
            }
        }
        g.writeStartObject();
        g.writeEndObject();
    }

    private static void descriptorFields(JsonGenerator g, Descriptor d) throws IOException {
        g.writeStringField("mediaType", d.mediaType());
        g.writeStringField("digest", d.digest().toString());
        g.writeNumberField("size", d.size());
    }

    private static void stringArray(JsonGenerator g, String field, Iterable<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
