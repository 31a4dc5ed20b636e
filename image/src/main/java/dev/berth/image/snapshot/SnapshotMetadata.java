package dev.berth.image.snapshot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The snapshot table of a snapshotter root (metadata.json), read and written with Jackson's
 * streaming API like the rest of the image module:
 * <pre>{"version":1,"driver":"overlay","nextId":4,"snapshots":{"sha256:...":{"id":1,"kind":"committed","created":"..."},
 * "extract-...":{"id":3,"kind":"active","parent":"sha256:...","created":"..."}}}</pre>
 * Ids are never reused, so a directory name never refers to two snapshots over time.
 */
final class SnapshotMetadata {
    private static final int VERSION = 1;

    /** One snapshot; {@code parent} is null for a base snapshot. */
    record Entry(long id, SnapshotInfo.Kind kind, String parent, Instant created) {
    }

    private static final class Factory {
        static final JsonFactory JSON = new JsonFactory();
    }

    /** Which snapshotter laid the directories out ("overlay", "copy"); null in a fresh table. */
    private String driver;
    private long nextId = 1;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    String driver() {
        return driver;
    }

    void driver(String driver) {
        this.driver = driver;
    }

    long allocateId() {
        return nextId++;
    }

    Entry get(String key) {
        return entries.get(key);
    }

    Map<String, Entry> entries() {
        return entries;
    }

    void put(String key, Entry entry) {
        entries.put(key, entry);
    }

    void remove(String key) {
        entries.remove(key);
    }

    /** Keys of the snapshots whose parent is {@code key}. */
    List<String> children(String key) {
        List<String> children = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (key.equals(e.getValue().parent())) {
                children.add(e.getKey());
            }
        }
        return children;
    }

    void write(OutputStream out) throws IOException {
        try (JsonGenerator json = Factory.JSON.createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeNumberField("version", VERSION);
            if (driver != null) {
                json.writeStringField("driver", driver);
            }
            json.writeNumberField("nextId", nextId);
            json.writeObjectFieldStart("snapshots");
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                Entry entry = e.getValue();
                json.writeObjectFieldStart(e.getKey());
                json.writeNumberField("id", entry.id());
                json.writeStringField("kind", entry.kind().name().toLowerCase(Locale.ROOT));
                if (entry.parent() != null) {
                    json.writeStringField("parent", entry.parent());
                }
                json.writeStringField("created", entry.created().toString());
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeEndObject();
        }
    }

    /** Parses metadata.json; {@code file} names it in errors. */
    static SnapshotMetadata read(byte[] data, String file) throws SnapshotException {
        SnapshotMetadata metadata = new SnapshotMetadata();
        try (JsonParser json = Factory.JSON.createParser(data)) {
            expect(json.nextToken(), JsonToken.START_OBJECT, file, "top level");
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                switch (field) {
                    case "version" -> {
                        if (json.getIntValue() != VERSION) {
                            throw new SnapshotException(file + ": unsupported version " + json.getText());
                        }
                    }
                    case "driver" -> metadata.driver = json.getText();
                    case "nextId" -> metadata.nextId = json.getLongValue();
                    case "snapshots" -> readSnapshots(json, metadata, file);
                    default -> json.skipChildren();
                }
            }
        } catch (IOException | DateTimeParseException | IllegalArgumentException e) {
            if (e instanceof SnapshotException s) {
                throw s;
            }
            throw new SnapshotException(file + ": unreadable snapshot metadata: " + e.getMessage(), e);
        }
        return metadata;
    }

    private static void readSnapshots(JsonParser json, SnapshotMetadata metadata, String file) throws IOException {
        expect(json.currentToken(), JsonToken.START_OBJECT, file, "snapshots");
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String key = json.currentName();
            expect(json.nextToken(), JsonToken.START_OBJECT, file, "snapshots." + key);
            long id = -1;
            SnapshotInfo.Kind kind = null;
            String parent = null;
            Instant created = null;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                switch (field) {
                    case "id" -> id = json.getLongValue();
                    case "kind" -> kind = SnapshotInfo.Kind.valueOf(json.getText().toUpperCase(Locale.ROOT));
                    case "parent" -> parent = json.getText();
                    case "created" -> created = Instant.parse(json.getText());
                    default -> json.skipChildren();
                }
            }
            if (id < 1 || kind == null || created == null) {
                throw new SnapshotException(file + ": snapshots." + key + ": id, kind and created are required");
            }
            metadata.entries.put(key, new Entry(id, kind, parent, created));
        }
    }

    private static void expect(JsonToken actual, JsonToken expected, String file, String where)
            throws SnapshotException {
        if (actual != expected) {
            throw new SnapshotException(file + ": " + where + ": expected " + expected + ", found " + actual);
        }
    }
}
