package dev.berth.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * berth's JSON files: config.json and the runtime's own state files.
 *
 * <p>The CLI is a new JVM per call, so this class is built for a cold start: the streaming methods
 * (a {@link JsonInput.ValueReader} to read, a {@link ValueWriter} to write) use jackson-core's
 * {@link JsonFactory} alone, created on first use; the methods taking a {@code Class} or an
 * {@code Object} use data binding ({@link JsonBinding}), whose mapper is only built when one of
 * them is first called. Loading this class builds neither.
 *
 * <p>Reading follows the runtime-spec and Go's encoding/json, which produced most files berth
 * reads: unknown properties are ignored (config.md: "MUST ignore unknown properties"), a value of
 * the wrong type is an error rather than coerced, and text after the top-level value is an error.
 */
public final class Json {

    private Json() {
    }

    /** Writes one JSON value (with its fields, for an object) to {@code out}. */
    @FunctionalInterface
    public interface ValueWriter {
        void write(JsonGenerator out) throws IOException;
    }

    /**
     * Created when first needed: loading jackson-core's factory, parser and generator classes costs
     * ~30 ms on a cold JVM without an AOT cache, which callers that never read JSON should not pay.
     */
    private static final class Streaming {
        static final JsonFactory FACTORY = new JsonFactory();
    }

    /** A parser over {@code content}; the caller closes it. */
    public static JsonParser parser(byte[] content) throws IOException {
        return Streaming.FACTORY.createParser(content);
    }

    /**
     * A parser over {@code file}; closing the parser closes the file. Not for procfs/sysfs files:
     * see {@link #readAllBytes}.
     */
    public static JsonParser parser(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            return Streaming.FACTORY.createParser(in);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** A UTF-8 generator writing compact JSON to {@code out}; closing it flushes and closes {@code out}. */
    public static JsonGenerator generator(OutputStream out) throws IOException {
        return Streaming.FACTORY.createGenerator(out);
    }

    /**
     * Reads {@code file}, whose top-level value must be an object, with {@code reader}. A missing
     * file surfaces as {@link java.nio.file.NoSuchFileException} so callers can tell "absent" from
     * "broken"; content that is not what {@code reader} expects gives an IOException whose message
     * names the file and the field ({@code /run/berth/c1/state.json: pid: expected an integer, got "x"}).
     */
    public static <T> T read(Path file, JsonInput.ValueReader<T> reader) throws IOException {
        byte[] content = readAllBytes(file);
        try {
            return parse(content, reader);
        } catch (JsonContentException e) {
            throw new IOException(file + ": " + e.getMessage(), e.getCause());
        }
    }

    /** Parses {@code json} with {@code reader}; the message of the IOException names the field. */
    public static <T> T parse(String json, JsonInput.ValueReader<T> reader) throws IOException {
        try {
            return parse(json.getBytes(StandardCharsets.UTF_8), reader);
        } catch (JsonContentException e) {
            throw new IOException(e.getMessage(), e.getCause());
        }
    }

    /** Like {@link #read(Path, JsonInput.ValueReader)}, through data binding into {@code type}. */
    public static <T> T read(Path file, Class<T> type) throws IOException {
        byte[] content = readAllBytes(file);
        try {
            return JsonBinding.parse(content, type);
        } catch (JsonContentException e) {
            throw new IOException(file + ": " + e.getMessage(), e.getCause());
        }
    }

    /** Parses {@code json} as a {@code type} through data binding; the message names the field. */
    public static <T> T parse(String json, Class<T> type) throws IOException {
        try {
            return JsonBinding.parse(json.getBytes(StandardCharsets.UTF_8), type);
        } catch (JsonContentException e) {
            throw new IOException(e.getMessage(), e.getCause());
        }
    }

    /** Parses a whole document with {@code reader}; the message lacks only the source name. */
    static <T> T parse(byte[] content, JsonInput.ValueReader<T> reader) throws JsonContentException {
        JsonParser parser = null;
        try {
            parser = parser(content);
            return JsonInput.document(parser, reader);
        } catch (JsonValueException e) {
            throw new JsonContentException(e.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new JsonContentException(JsonText.malformed(e), e);
        } catch (IOException e) {
            // A parser over a byte array has no I/O to fail; only a reader's own error lands here.
            throw new JsonContentException(e.getMessage(), e);
        } finally {
            closeQuietly(parser);
        }
    }

    /**
     * The whole content of {@code file}. Not {@link Files#readAllBytes}: for a file whose size
     * reads as 0 (procfs, sysfs) it starts with a 1-byte read, and a sysctl file answers the next
     * read, at offset 1, with end-of-file ("40" reads as "4").
     */
    static byte[] readAllBytes(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readAllBytes();
        }
    }

    /**
     * Replaces {@code file} with the JSON {@code content} writes, so that a reader sees either the
     * old or the new content, never a torn one: write {@code <file>.tmp} in the same directory
     * (rename(2) is only atomic within one file system), fsync it, rename it over the target, then
     * fsync the directory so the rename itself survives a crash. The file ends up with mode 0600.
     *
     * <p>The temporary name is fixed, not {@link Files#createTempFile}'s random one, whose first use
     * seeds a SecureRandom (several ms on a cold JVM). So the caller MUST hold a lock on the file's
     * directory against concurrent writers (berth's state directory is its container's lock). A
     * {@code .tmp} left behind by a crash is replaced.
     */
    public static void writeAtomically(Path file, ValueWriter content) throws IOException {
        // Serialised first, so a failing writer leaves no file behind.
        ByteArrayBuilder bytes = new ByteArrayBuilder();
        try (JsonGenerator generator = generator(bytes)) {
            content.write(generator);
        }
        writeBytesAtomically(file, bytes.toByteArray());
    }

    /** Like {@link #writeAtomically(Path, ValueWriter)}, with {@code value} written by data binding. */
    public static void writeAtomically(Path file, Object value) throws IOException {
        writeBytesAtomically(file, JsonBinding.toBytes(value));
    }

    /** Compact JSON through data binding, nulls omitted. */
    public static String toJson(Object value) {
        return JsonBinding.toJson(value);
    }

    private static void writeBytesAtomically(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        // CREATE_NEW after removing a stale one: O_EXCL gives a fresh file with our mode, and
        // open(2) with O_CREAT|O_EXCL does not follow a symlink planted at the name.
        Files.deleteIfExists(temp);
        try {
            try (FileChannel channel = FileChannel.open(temp, EnumSet.of(StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE_NEW), ownerOnly())) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private static FileAttribute<?> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }

    static void closeQuietly(JsonParser parser) {
        if (parser != null) {
            try {
                parser.close();
            } catch (IOException ignored) {
                // Closing a parser over a byte array releases buffers only.
            }
        }
    }

    /** Content that is not the expected JSON; the message lacks only the source name. */
    static final class JsonContentException extends Exception {
        private static final long serialVersionUID = 1L;

        JsonContentException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
