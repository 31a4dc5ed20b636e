package dev.berth.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads config.json into a {@link Spec}. Only the JSON shape is checked here (types, syntax);
 * {@link SpecValidator} checks the content. Every message starts with the source name, then the
 * JSON path: {@code config.json: linux.resources.memory.limit: expected an integer, got "abc"}.
 */
public final class SpecReader {

    private SpecReader() {
    }

    /**
     * Reads and parses {@code configJson}; messages start with the path as given, so pass the
     * bundle-relative or absolute path the user should see.
     */
    public static Spec read(Path configJson) throws SpecException {
        byte[] content;
        try {
            content = Json.readAllBytes(configJson);
        } catch (NoSuchFileException e) {
            throw new SpecException(configJson + ": no such file (bundle must contain config.json)", e);
        } catch (AccessDeniedException e) {
            throw new SpecException(configJson + ": permission denied", e);
        } catch (IOException e) {
            throw new SpecException(configJson + ": cannot read: " + e.getMessage(), e);
        }
        return parse(content, configJson.toString());
    }

    /** Parses {@code json}; {@code sourceName} starts every error message (e.g. "config.json"). */
    public static Spec parse(String json, String sourceName) throws SpecException {
        return parse(json.getBytes(StandardCharsets.UTF_8), sourceName);
    }

    private static Spec parse(byte[] content, String sourceName) throws SpecException {
        try {
            return Json.parse(content, Spec.class);
        } catch (Json.JsonContentException e) {
            throw new SpecException(sourceName + ": " + e.getMessage(), e.getCause());
        }
    }
}
