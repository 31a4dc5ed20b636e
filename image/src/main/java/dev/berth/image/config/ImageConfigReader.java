package dev.berth.image.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an OCI image config (application/vnd.oci.image.config.v1+json, also Docker's
 * application/vnd.docker.container.image.v1+json) with jackson-core's streaming parser: only the
 * fields berth uses are kept, the rest (rootfs, history, created...) are skipped unread. Docker
 * writes JSON null for empty Env/Cmd/Entrypoint, so null is accepted wherever a value may be absent.
 */
public final class ImageConfigReader {

    private ImageConfigReader() {
    }

    /** Reads the config blob at {@code file}. */
    public static ImageConfig read(Path file) throws ImageConfigException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new ImageConfigException("cannot read image config " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a config from {@code json}; {@code source} names it in errors. */
    public static ImageConfig read(String json, String source) throws ImageConfigException {
        try (JsonParser parser = factory().createParser(json)) {
            return parseTop(parser, source);
        } catch (IOException e) {
            throw malformed(source, e);
        }
    }

    private static ImageConfig read(InputStream in, String source) throws ImageConfigException, IOException {
        try (JsonParser parser = factory().createParser(in)) {
            return parseTop(parser, source);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw malformed(source, e);
        }
    }

    /** Reads created, architecture, os and rootfs.diff_ids from a config's bytes. */
    public static ConfigSummary summary(byte[] json, String source) throws ImageConfigException {
        try (JsonParser p = factory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ImageConfigException("image config " + source + ": expected a JSON object at top level");
            }
            String created = null;
            String architecture = null;
            String os = null;
            List<Digest> diffIds = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "created" -> created = string(p, source, field);
                    case "architecture" -> architecture = string(p, source, field);
                    case "os" -> os = string(p, source, field);
                    case "rootfs" -> diffIds = diffIds(p, source);
                    default -> p.skipChildren();
                }
            }
            if (diffIds == null) {
                throw new ImageConfigException("image config " + source + ": field rootfs.diff_ids is missing");
            }
            return new ConfigSummary(created, architecture, os, diffIds);
        } catch (IOException e) {
            throw malformed(source, e);
        }
    }

    private static List<Digest> diffIds(JsonParser p, String source) throws IOException, ImageConfigException {
        expect(p, JsonToken.START_OBJECT, source, "rootfs", "an object");
        List<Digest> diffIds = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("type") && !(p.currentToken() == JsonToken.VALUE_STRING && p.getText().equals("layers"))) {
                // config.md: rootfs.type "MUST be set to layers"; anything else is a format berth cannot know.
                throw new ImageConfigException("image config " + source + ": field rootfs.type is " + p.getText()
                        + ", expected layers");
            }
            if (!field.equals("diff_ids")) {
                p.skipChildren();
                continue;
            }
            List<String> values = strings(p, source, "rootfs.diff_ids");
            diffIds = new ArrayList<>();
            for (int i = 0; values != null && i < values.size(); i++) {
                try {
                    diffIds.add(Digest.parse(values.get(i)));
                } catch (IllegalArgumentException e) {
                    throw new ImageConfigException("image config " + source + ": field rootfs.diff_ids[" + i + "]: "
                            + e.getMessage(), e);
                }
            }
        }
        return diffIds;
    }

    private static JsonFactory factory() {
        return new JsonFactory();
    }

    private static ImageConfigException malformed(String source, IOException e) {
        return new ImageConfigException("malformed image config " + source + ": " + e.getMessage(), e);
    }

    private static ImageConfig parseTop(JsonParser p, String source) throws IOException, ImageConfigException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new ImageConfigException("image config " + source + ": expected a JSON object at top level");
        }
        String architecture = null;
        String os = null;
        ImageConfig inner = new ImageConfig(null, null, null, null, null, null, null, null, null, null, null);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "architecture" -> architecture = string(p, source, field);
                case "os" -> os = string(p, source, field);
                case "config" -> inner = p.currentToken() == JsonToken.VALUE_NULL ? inner : parseConfig(p, source);
                default -> p.skipChildren();
            }
        }
        return new ImageConfig(architecture, os, inner.user(), inner.exposedPorts(), inner.env(), inner.entrypoint(),
                inner.cmd(), inner.volumes(), inner.workingDir(), inner.labels(), inner.stopSignal());
    }

    private static ImageConfig parseConfig(JsonParser p, String source) throws IOException, ImageConfigException {
        expect(p, JsonToken.START_OBJECT, source, "config", "an object");
        String user = null;
        String workingDir = null;
        String stopSignal = null;
        List<String> ports = null;
        List<String> env = null;
        List<String> entrypoint = null;
        List<String> cmd = null;
        List<String> volumes = null;
        Map<String, String> labels = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            String path = "config." + field;
            p.nextToken();
            switch (field) {
                case "User" -> user = string(p, source, path);
                case "WorkingDir" -> workingDir = string(p, source, path);
                case "StopSignal" -> stopSignal = string(p, source, path);
                case "ExposedPorts" -> ports = objectKeys(p, source, path);
                case "Volumes" -> volumes = objectKeys(p, source, path);
                case "Env" -> env = strings(p, source, path);
                case "Entrypoint" -> entrypoint = strings(p, source, path);
                case "Cmd" -> cmd = strings(p, source, path);
                case "Labels" -> labels = stringMap(p, source, path);
                default -> p.skipChildren();
            }
        }
        return new ImageConfig(null, null, user, ports, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal);
    }

    private static String string(JsonParser p, String source, String field) throws IOException, ImageConfigException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, JsonToken.VALUE_STRING, source, field, "a string");
        return p.getText();
    }

    private static List<String> strings(JsonParser p, String source, String field)
            throws IOException, ImageConfigException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, JsonToken.START_ARRAY, source, field, "an array of strings");
        List<String> values = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p, JsonToken.VALUE_STRING, source, field + "[" + values.size() + "]", "a string");
            values.add(p.getText());
        }
        return values;
    }

    /** ExposedPorts and Volumes are objects whose values are always {} (config.md); only keys matter. */
    private static List<String> objectKeys(JsonParser p, String source, String field)
            throws IOException, ImageConfigException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, JsonToken.START_OBJECT, source, field, "an object");
        List<String> keys = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            keys.add(p.currentName());
            p.nextToken();
            p.skipChildren();
        }
        return keys;
    }

    private static Map<String, String> stringMap(JsonParser p, String source, String field)
            throws IOException, ImageConfigException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, JsonToken.START_OBJECT, source, field, "an object of strings");
        Map<String, String> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            expect(p, JsonToken.VALUE_STRING, source, field + "." + key, "a string");
            map.put(key, p.getText());
        }
        return map;
    }

    private static void expect(JsonParser p, JsonToken token, String source, String field, String what)
            throws ImageConfigException {
        if (p.currentToken() != token) {
            throw new ImageConfigException("image config " + source + ": field " + field + " must be " + what
                    + ", found " + p.currentToken() + " at line " + p.currentLocation().getLineNr());
        }
    }
}
