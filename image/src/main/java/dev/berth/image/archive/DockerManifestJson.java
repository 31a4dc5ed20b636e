package dev.berth.image.archive;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * docker save's {@code manifest.json} (moby image/tarexport): an array of
 * {@code {"Config": path, "RepoTags": [names], "Layers": [paths]}}, paths relative to the archive
 * root. Other fields (Parent, LayerSources) are skipped: berth keeps no parent chain and stores no
 * foreign layers that a tar would have left out.
 */
final class DockerManifestJson {
    static final String FILE = "manifest.json";

    private DockerManifestJson() {
    }

    record Item(String config, List<String> repoTags, List<String> layers) {
        Item {
            repoTags = List.copyOf(repoTags);
            layers = List.copyOf(layers);
        }
    }

    static List<Item> read(byte[] json) throws IOException {
        List<Item> items = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            // moby refuses null too ("manifest cannot be null (but can be [])"): it means a broken writer.
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new ArchiveException(FILE + ": expected a JSON array, got " + p.currentToken());
            }
            while (p.nextToken() != JsonToken.END_ARRAY) {
                items.add(item(p, FILE + "[" + items.size() + "]"));
            }
        } catch (JacksonException e) {
            throw new ArchiveException(FILE + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
        return items;
    }

    private static Item item(JsonParser p, String path) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new ArchiveException(path + ": expected an object, got " + p.currentToken());
        }
        String config = null;
        List<String> repoTags = List.of();
        List<String> layers = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "Config" -> config = string(p, path + ".Config");
                case "RepoTags" -> repoTags = strings(p, path + ".RepoTags");
                case "Layers" -> layers = strings(p, path + ".Layers");
                default -> p.skipChildren();
            }
        }
        if (config == null || config.isEmpty()) {
            throw new ArchiveException(path + ".Config: missing");
        }
        if (layers == null) {
            throw new ArchiveException(path + ".Layers: missing");
        }
        return new Item(config, repoTags, layers);
    }

    private static String string(JsonParser p, String path) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new ArchiveException(path + ": expected a string, got " + p.currentToken());
        }
        return p.getText();
    }

    /** Go's encoding/json writes a nil slice as null: docker does so for untagged images. */
    private static List<String> strings(JsonParser p, String path) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new ArchiveException(path + ": expected an array of strings, got " + p.currentToken());
        }
        List<String> values = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            values.add(string(p, path + "[" + values.size() + "]"));
        }
        return values;
    }

    static byte[] write(List<Item> items) {
        return JsonOut.write(g -> {
            g.writeStartArray();
            for (Item item : items) {
                g.writeStartObject();
                g.writeStringField("Config", item.config());
                JsonOut.stringArray(g, "RepoTags", item.repoTags());
                JsonOut.stringArray(g, "Layers", item.layers());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    /** The legacy {@code repositories} file: repository -> tag -> id of the image's top layer directory. */
    static byte[] repositories(Map<String, Map<String, String>> repositories) {
        return JsonOut.write(g -> {
            g.writeStartObject();
            for (Map.Entry<String, Map<String, String>> repo : new TreeMap<>(repositories).entrySet()) {
                JsonOut.stringMap(g, repo.getKey(), repo.getValue());
            }
            g.writeEndObject();
        });
    }
}
