package dev.berth.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads config.json into a {@link Spec}, with the hand-written streaming reader {@link SpecJson}
 * rather than data binding (a cold JVM pays ~90 ms for Jackson to introspect the records; see
 * docs/benchmarks.md). Only the JSON shape is checked here (types, syntax);
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
        return parse(readBytes(configJson, " (bundle must contain config.json)"), configJson.toString(), SpecJson::spec);
    }

    /** Parses {@code json}; {@code sourceName} starts every error message (e.g. "config.json"). */
    public static Spec parse(String json, String sourceName) throws SpecException {
        return parse(json.getBytes(StandardCharsets.UTF_8), sourceName, SpecJson::spec);
    }

    /**
     * Reads a process.json (runc exec --process): a config.json "process" object on its own, read
     * with the same rules and messages as {@link #read}.
     */
    public static Process readProcess(Path processJson) throws SpecException {
        return parse(readBytes(processJson, ""), processJson.toString(), SpecJson::process);
    }

    /** Parses a process.json; {@code sourceName} starts every error message. */
    public static Process parseProcess(String json, String sourceName) throws SpecException {
        return parse(json.getBytes(StandardCharsets.UTF_8), sourceName, SpecJson::process);
    }

    private static byte[] readBytes(Path file, String hintWhenMissing) throws SpecException {
        try {
            return Json.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new SpecException(file + ": no such file" + hintWhenMissing, e);
        } catch (AccessDeniedException e) {
            throw new SpecException(file + ": permission denied", e);
        } catch (IOException e) {
            throw new SpecException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static <T> T parse(byte[] content, String sourceName, JsonInput.ValueReader<T> reader) throws SpecException {
        try {
            return Json.parse(content, reader);
        } catch (Json.JsonContentException e) {
            throw new SpecException(sourceName + ": " + e.getMessage(), e.getCause());
        }
    }
}
