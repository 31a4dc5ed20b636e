package dev.berth.image.registry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code docker login} and {@code docker logout} do to {@code config.json}: add or remove one
 * {@code auths} entry and leave every other key and entry as it was. The file is rewritten token by
 * token with jackson-core (numbers are copied exactly, as decimals, never through a double), into a
 * temporary file of mode 0600 in the same directory that is then renamed over the old one, so a
 * reader sees the old file or the new one, never half of either, and a failure leaves the old file.
 * Credential helpers are not run: {@link #credentialHelper} lets callers refuse rather than write a
 * password docker would never read (docker consults a configured helper instead of {@code auths}).
 */
public final class DockerConfigFile {
    /** The key docker login uses for Docker Hub (docker's registry.IndexServer). */
    public static final String DOCKER_HUB_KEY = DockerConfig.DOCKER_HUB_KEY;
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?");

    private static final byte[] EMPTY = {'{', '}'};

    private DockerConfigFile() {
    }

    /** Where docker keeps it: {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}. */
    public static Path defaultPath() {
        return DockerConfig.defaultPath(System.getenv(), System.getProperty("user.home"));
    }

    /**
     * The auths key docker login stores {@code server} under: {@link #DOCKER_HUB_KEY} for Docker Hub
     * (no server, docker.io or one of its other names), else {@code host[:port]}, with a scheme and
     * path stripped as docker's ConvertToHostname does ({@code https://r.example/v2/} is r.example).
     *
     * @throws IllegalArgumentException when what remains is not a host name or address with an optional port
     */
    public static String keyFor(String server) {
        if (server == null || server.isEmpty()) {
            return DOCKER_HUB_KEY;
        }
        String host = DockerConfig.normaliseKey(server);
        if (host.equals(Reference.DOCKER_HUB)) {
            return DOCKER_HUB_KEY;
        }
        if (!HOST_PORT.matcher(host).matches()) {
            throw new IllegalArgumentException("invalid registry server '" + server + "': expected host[:port]");
        }
        return host;
    }

    /** The registry a key names, as written in references: docker.io for Docker Hub, else host[:port]. */
    public static String registryOf(String key) {
        return DockerConfig.normaliseKey(key);
    }

    /**
     * The credential helper docker would use for {@code key}: its {@code credHelpers} entry (docker
     * looks the key up as stored; an entry spelling the same host differently counts too), else
     * {@code credsStore}. Empty when the file is missing or names no helper.
     */
    public static Optional<String> credentialHelper(Path file, String key) throws IOException {
        Map<String, Object> root = parse(file);
        String registry = DockerConfig.normaliseKey(key);
        for (Map.Entry<String, Object> e : Json.object(root, "credHelpers").entrySet()) {
            if ((e.getKey().equals(key) || DockerConfig.normaliseKey(e.getKey()).equals(registry))
                    && e.getValue() instanceof String helper && !helper.isEmpty()) {
                return Optional.of("credHelpers: docker-credential-" + helper);
            }
        }
        String store = Json.string(root, "credsStore");
        return store == null || store.isEmpty() ? Optional.empty() : Optional.of("credsStore: docker-credential-" + store);
    }

    /**
     * Sets {@code auths.<key>} to {@code {"auth": base64(user:password)}}, replacing that entry
     * whole as docker does. A new entry goes where an entry spelling the same host differently
     * (say {@code https://host}) stands, if one does, so that readers taking the first match (berth's
     * {@link DockerConfig}) find the new credentials rather than the old; that entry itself stays.
     */
    public static void storeAuth(Path file, String key, Credentials credentials) throws IOException {
        String auth = Base64.getEncoder().encodeToString(
                (credentials.username() + ":" + credentials.password()).getBytes(StandardCharsets.UTF_8));
        rewrite(file, key, auth, Set.of(key));
    }

    /**
     * Removes the auths entries of {@code key}: the key itself and, except for Docker Hub, the
     * {@code http://} and {@code https://} spellings of it, as docker logout does.
     *
     * @return false when none of them existed (docker: "Not logged in to ..."); the file is then untouched
     */
    public static boolean removeAuth(Path file, String key) throws IOException {
        Set<String> keys = new LinkedHashSet<>();
        keys.add(key);
        if (!key.equals(DOCKER_HUB_KEY)) {
            keys.add("http://" + key);
            keys.add("https://" + key);
        }
        Map<String, Object> auths = Json.object(parse(file), "auths");
        if (keys.stream().noneMatch(auths::containsKey)) {
            return false;
        }
        rewrite(file, key, null, keys);
        return true;
    }

    /** The file as maps; a missing file is an empty object, a malformed one an error naming it. */
    private static Map<String, Object> parse(Path file) throws IOException {
        try {
            return Json.parseObject(read(file));
        } catch (Json.MalformedJsonException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The file's bytes; a missing or blank file reads as {} (docker's config loader ignores EOF). */
    private static byte[] read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return EMPTY;
        }
        return new String(bytes, StandardCharsets.UTF_8).isBlank() ? EMPTY : bytes;
    }

    /** Copies the file with {@code remove} dropped from auths and, if {@code auth} is given, key set to it. */
    private static void rewrite(Path file, String key, String auth, Set<String> remove) throws IOException {
        parse(file); // validates the whole file (duplicate keys included) before anything is written
        byte[] old = read(file);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonFactory factory = new JsonFactory();
        try (JsonParser p = factory.createParser(old); JsonGenerator g = factory.createGenerator(bytes)) {
            g.setPrettyPrinter(dockerIndent());
            p.nextToken();
            g.writeStartObject();
            boolean authsSeen = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("auths")) {
                    authsSeen = true;
                    g.writeFieldName(name);
                    copyAuths(p, g, key, auth, remove);
                } else {
                    g.writeFieldName(name);
                    g.copyCurrentStructureExact(p);
                }
            }
            if (!authsSeen && auth != null) {
                g.writeObjectFieldStart("auths");
                writeEntry(g, key, auth);
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        bytes.write('\n');
        replace(file, bytes.toByteArray());
    }

    /** auths with {@code remove} left out and the new entry at the place of the first entry for the same host. */
    private static void copyAuths(JsonParser p, JsonGenerator g, String key, String auth, Set<String> remove)
            throws IOException {
        g.writeStartObject();
        boolean written = auth == null;
        if (p.currentToken() == JsonToken.START_OBJECT) {
            String registry = DockerConfig.normaliseKey(key);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String entry = p.currentName();
                p.nextToken();
                if (!written && DockerConfig.normaliseKey(entry).equals(registry)) {
                    writeEntry(g, key, auth);
                    written = true;
                }
                if (remove.contains(entry)) {
                    p.skipChildren();
                } else {
                    g.writeFieldName(entry);
                    g.copyCurrentStructureExact(p);
                }
            }
        } else {
            p.skipChildren(); // "auths": null holds no entries; docker writes an object in its place
        }
        if (!written) {
            writeEntry(g, key, auth);
        }
        g.writeEndObject();
    }

    private static void writeEntry(JsonGenerator g, String key, String auth) throws IOException {
        g.writeObjectFieldStart(key);
        g.writeStringField("auth", auth);
        g.writeEndObject();
    }

    /** As docker's json.MarshalIndent(config, "", "\t"): tab indents, "key": value. */
    private static DefaultPrettyPrinter dockerIndent() {
        DefaultIndenter tabs = new DefaultIndenter("\t", "\n");
        return new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(tabs).withArrayIndenter(tabs);
    }

    /**
     * Writes {@code content} to a new 0600 file beside {@code file} (it holds passwords), forces it
     * to disk, then renames it over {@code file}. A symlinked config.json is written through: docker
     * (configfile.Save) replaces the link's target, keeping links into dotfile repositories intact.
     */
    private static void replace(Path file, byte[] content) throws IOException {
        Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file;
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path temp = Files.createTempFile(dir, target.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        boolean renamed = false;
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
            }
            renamed = true;
        } finally {
            if (!renamed) {
                Files.deleteIfExists(temp);
            }
        }
    }
}
