package dev.berth.image.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads manifests and indexes with Jackson's streaming parser into a small tree, then validates field by
 * field so every error names the JSON path that is wrong (e.g. {@code layers[2].digest}).
 */
public final class ManifestReader {

    private ManifestReader() {
    }

    /** A parsed document: either an image manifest or an index. */
    public sealed interface Document permits ManifestDocument, IndexDocument {
    }

    public record ManifestDocument(Manifest manifest) implements Document {
    }

    public record IndexDocument(Index index) implements Document {
    }

    /**
     * Reads either kind. The OCI spec makes top-level {@code mediaType} optional (it SHOULD be set), so
     * when it is absent the kind is inferred from the presence of {@code manifests} vs {@code layers}.
     */
    public static Document read(byte[] json) {
        Map<String, Object> root = parseObject(json);
        String mediaType = optionalString(root, "mediaType", "");
        boolean index = mediaType == null ? root.containsKey("manifests") : MediaTypes.isIndex(mediaType);
        return index ? new IndexDocument(toIndex(root)) : new ManifestDocument(toManifest(root));
    }

    public static Manifest readManifest(byte[] json) {
        return toManifest(parseObject(json));
    }

    public static Index readIndex(byte[] json) {
        return toIndex(parseObject(json));
    }

    private static Manifest toManifest(Map<String, Object> root) {
        int schemaVersion = checkSchemaVersion(root);
        String mediaType = optionalString(root, "mediaType", "");
        if (mediaType == null) {
            // Docker schema 2 always sets mediaType, so an unlabelled manifest is an OCI one.
            mediaType = MediaTypes.OCI_MANIFEST;
        } else if (!MediaTypes.isManifest(mediaType)) {
            throw new ManifestException("manifest: field 'mediaType': unsupported '" + mediaType
                    + "' (expected " + MediaTypes.OCI_MANIFEST + " or " + MediaTypes.DOCKER_MANIFEST + ")");
        }
        Descriptor config = descriptor(object(root.get("config"), "config"), "config");
        if (!MediaTypes.isImageConfig(config.mediaType())) {
            throw new ManifestException("manifest: field 'config.mediaType': unsupported '" + config.mediaType()
                    + "' (expected " + MediaTypes.OCI_CONFIG + " or " + MediaTypes.DOCKER_CONFIG + ")");
        }
        List<Object> rawLayers = array(root.get("layers"), "layers");
        List<Descriptor> layers = new ArrayList<>();
        for (int i = 0; i < rawLayers.size(); i++) {
            String path = "layers[" + i + "]";
            Descriptor layer = descriptor(object(rawLayers.get(i), path), path);
            if (layer.layerType().isEmpty()) {
                throw new ManifestException("manifest: field '" + path + ".mediaType': unsupported layer type '"
                        + layer.mediaType() + "'");
            }
            layers.add(layer);
        }
        return new Manifest(schemaVersion, mediaType, config, layers, annotations(root, ""));
    }

    private static Index toIndex(Map<String, Object> root) {
        int schemaVersion = checkSchemaVersion(root);
        String mediaType = optionalString(root, "mediaType", "");
        if (mediaType == null) {
            mediaType = MediaTypes.OCI_INDEX;
        } else if (!MediaTypes.isIndex(mediaType)) {
            throw new ManifestException("index: field 'mediaType': unsupported '" + mediaType
                    + "' (expected " + MediaTypes.OCI_INDEX + " or " + MediaTypes.DOCKER_MANIFEST_LIST + ")");
        }
        List<Object> raw = array(root.get("manifests"), "manifests");
        List<Descriptor> manifests = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String path = "manifests[" + i + "]";
            manifests.add(descriptor(object(raw.get(i), path), path));
        }
        return new Index(schemaVersion, mediaType, manifests, annotations(root, ""));
    }

    private static int checkSchemaVersion(Map<String, Object> root) {
        Object v = root.get("schemaVersion");
        if (!(v instanceof Long n) || n != 2) {
            throw new ManifestException("field 'schemaVersion': expected 2, got " + describe(v)
                    + (Long.valueOf(1).equals(v) ? " (Docker schema 1 is not supported)" : ""));
        }
        return 2;
    }

    private static Descriptor descriptor(Map<String, Object> o, String path) {
        String mediaType = requiredString(o, "mediaType", path);
        String digestText = requiredString(o, "digest", path);
        Digest digest;
        try {
            digest = Digest.parse(digestText);
        } catch (IllegalArgumentException e) {
            throw new ManifestException("field '" + path + ".digest': " + e.getMessage(), e);
        }
        Object size = o.get("size");
        if (!(size instanceof Long n) || n < 0) {
            throw new ManifestException("field '" + path + ".size': expected a non-negative integer, got "
                    + describe(size));
        }
        List<String> urls = stringList(o.get("urls"), path + ".urls");
        Optional<Platform> platform = o.containsKey("platform")
                ? Optional.of(platform(object(o.get("platform"), path + ".platform"), path + ".platform"))
                : Optional.empty();
        return new Descriptor(mediaType, digest, n, urls, annotations(o, path + "."), platform);
    }

    private static Platform platform(Map<String, Object> o, String path) {
        String os = requiredString(o, "os", path);
        String architecture = requiredString(o, "architecture", path);
        String variant = optionalString(o, "variant", path + ".");
        String osVersion = optionalString(o, "os.version", path + ".");
        return new Platform(os, architecture, variant, osVersion, stringList(o.get("os.features"), path + ".os.features"));
    }

    private static Map<String, String> annotations(Map<String, Object> o, String prefix) {
        Object raw = o.get("annotations");
        if (raw == null) {
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : object(raw, prefix + "annotations").entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new ManifestException("field '" + prefix + "annotations." + e.getKey()
                        + "': expected a string, got " + describe(e.getValue()));
            }
            result.put(e.getKey(), s);
        }
        return result;
    }

    private static String requiredString(Map<String, Object> o, String key, String path) {
        Object v = o.get(key);
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new ManifestException("field '" + path + "." + key + "': expected a non-empty string, got "
                    + describe(v));
        }
        return s;
    }

    /** The string, or null when absent; a non-string is an error. */
    private static String optionalString(Map<String, Object> o, String key, String prefix) {
        Object v = o.get(key);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new ManifestException("field '" + prefix + key + "': expected a string, got " + describe(v));
    }

    private static List<String> stringList(Object raw, String path) {
        if (raw == null) {
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (Object item : array(raw, path)) {
            if (!(item instanceof String s)) {
                throw new ManifestException("field '" + path + "': expected strings, got " + describe(item));
            }
            result.add(s);
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object v, String path) {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new ManifestException("field '" + path + "': expected an object, got " + describe(v));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> array(Object v, String path) {
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new ManifestException("field '" + path + "': expected an array, got " + describe(v));
    }

    private static String describe(Object v) {
        return switch (v) {
            case null -> "nothing";
            case String s -> "string '" + s + "'";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            default -> v.toString();
        };
    }

    private static Map<String, Object> parseObject(byte[] json) {
        // Lazily built per call: JsonFactory construction is cheap and a static would be eager at class init.
        try (JsonParser p = new JsonFactory().createParser(json)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new ManifestException("document: expected a JSON object, got " + first);
            }
            Map<String, Object> root = JsonTree.readObject(p);
            if (p.nextToken() != null) {
                throw new ManifestException("document: trailing data after the top-level JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new ManifestException("document: invalid JSON: " + e.getMessage(), e);
        }
    }
}
