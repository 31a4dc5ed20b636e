package dev.berth.image.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials stored by {@code docker login} in {@code config.json} ({@code $DOCKER_CONFIG/config.json},
 * else {@code ~/.docker/config.json}). Only the inline {@code auths} entries are read: credential
 * helpers ({@code credsStore}, {@code credHelpers}) run external programs and are deliberately not
 * supported, and {@code identitytoken} (an OAuth refresh token) is ignored.
 */
final class DockerConfig {
    /** The key docker login uses for Docker Hub (a leftover of the v1 "index" API). */
    static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";

    private final Path source;
    private final Map<String, Credentials> byHost;

    private DockerConfig(Path source, Map<String, Credentials> byHost) {
        this.source = source;
        this.byHost = byHost;
    }

    /** Where docker looks: {@code $DOCKER_CONFIG/config.json}, else {@code <home>/.docker/config.json}. */
    static Path defaultPath(Map<String, String> env, String userHome) {
        String dir = env.get("DOCKER_CONFIG");
        if (dir != null && !dir.isEmpty()) {
            return Path.of(dir, "config.json");
        }
        return Path.of(userHome, ".docker", "config.json");
    }

    /** Reads {@code file}; a missing file means no credentials, a malformed one is an error. */
    static DockerConfig load(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new DockerConfig(file, Map.of());
        }
        Map<String, Object> root;
        try {
            root = Json.parseObject(bytes);
        } catch (Json.MalformedJsonException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        Map<String, Credentials> byHost = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : Json.object(root, "auths").entrySet()) {
            if (e.getValue() instanceof Map<?, ?> entry) {
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) entry;
                Optional<Credentials> c = credentials(fields, file, e.getKey());
                // When "https://host" and "host" both appear, the first in the file is used.
                c.ifPresent(value -> byHost.putIfAbsent(normaliseKey(e.getKey()), value));
            }
        }
        return new DockerConfig(file, byHost);
    }

    Path source() {
        return source;
    }

    /** Credentials for {@code registry} as written in references (docker.io for Docker Hub). */
    Optional<Credentials> find(String registry) {
        return Optional.ofNullable(byHost.get(registry.toLowerCase(Locale.ROOT)));
    }

    /**
     * Keys are host[:port], optionally with a scheme and path ({@code https://index.docker.io/v1/});
     * docker's ConvertToHostname strips both. Docker Hub's historical names all map to docker.io.
     */
    static String normaliseKey(String key) {
        String host = key;
        if (host.startsWith("http://")) {
            host = host.substring("http://".length());
        } else if (host.startsWith("https://")) {
            host = host.substring("https://".length());
        }
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        host = host.toLowerCase(Locale.ROOT);
        return switch (host) {
            case "index.docker.io", Reference.DOCKER_HUB_API_HOST -> Reference.DOCKER_HUB;
            default -> host;
        };
    }

    /** {@code auth} (base64 of "user:password") or explicit {@code username}/{@code password}. */
    private static Optional<Credentials> credentials(Map<String, Object> fields, Path file, String key)
            throws IOException {
        String auth = Json.string(fields, "auth");
        if (auth != null && !auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": auths." + key + ".auth is not valid base64", e);
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new IOException(file + ": auths." + key + ".auth does not decode to user:password");
            }
            return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
        }
        String username = Json.string(fields, "username");
        String password = Json.string(fields, "password");
        if (username != null && password != null) {
            return Optional.of(new Credentials(username, password));
        }
        return Optional.empty();
    }
}
