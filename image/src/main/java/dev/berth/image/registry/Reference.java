package dev.berth.image.registry;

import dev.berth.image.store.Digest;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image reference normalised the way Docker does it (distribution/reference, normalize.go):
 * {@code busybox} is {@code docker.io/library/busybox:latest}. The grammar is the one in
 * distribution's reference.go:
 * <pre>
 *   reference        := name [ ":" tag ] [ "@" digest ]
 *   name             := [domain "/"] path-component ["/" path-component]*
 *   domain           := host [":" port-number]
 *   path-component   := alpha-numeric [separator alpha-numeric]*   (lower case only)
 *   separator        := /[_.]|__|[-]+/
 *   tag              := /[\w][\w.-]{0,127}/
 * </pre>
 * When both a tag and a digest are given the digest is what gets fetched ({@link #identifier()}); the
 * tag is kept only for display, as Docker does.
 *
 * @param registry   the registry as named in references, e.g. {@code docker.io} or {@code 127.0.0.1:5000}
 * @param repository the path inside the registry, e.g. {@code library/busybox}
 * @param tag        the tag; {@code latest} is filled in when neither tag nor digest is given
 * @param digest     the manifest digest, if the reference pins one
 */
public record Reference(String registry, String repository, Optional<String> tag, Optional<Digest> digest) {
    /** Docker Hub as written in references. */
    public static final String DOCKER_HUB = "docker.io";
    /** Docker Hub's API endpoint: the name says docker.io but the registry answers here. */
    public static final String DOCKER_HUB_API_HOST = "registry-1.docker.io";
    /** The pre-"docker.io" name of Docker Hub; normalize.go still maps it to docker.io. */
    private static final String LEGACY_DOCKER_HUB = "index.docker.io";
    private static final String OFFICIAL_PREFIX = "library/";
    private static final String DEFAULT_TAG = "latest";
    /** reference.go NameTotalLengthMax: domain + "/" + path. */
    private static final int NAME_TOTAL_LENGTH_MAX = 255;

    /** Holder idiom: the patterns are compiled on first use, not when the class is loaded. */
    private static final class Patterns {
        static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
        static final Pattern DOMAIN = Pattern.compile(
                "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
                        + "(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
                        + "|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
        static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
        static final Pattern IDENTIFIER = Pattern.compile("[a-f0-9]{64}");
    }

    public Reference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(digest, "digest");
        checkDomain(registry, registry + "/" + repository);
        checkPath(repository, registry + "/" + repository);
        tag.ifPresent(t -> checkTag(t, registry + "/" + repository));
        if (registry.length() + 1 + repository.length() > NAME_TOTAL_LENGTH_MAX) {
            throw new IllegalArgumentException("reference '" + registry + "/" + repository
                    + "': name longer than " + NAME_TOTAL_LENGTH_MAX + " characters");
        }
    }

    /**
     * Parses and normalises {@code text}.
     *
     * @throws IllegalArgumentException naming what is wrong (upper case, bad tag, bad digest, ...)
     */
    public static Reference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("reference: empty");
        }
        String name = text;
        Optional<Digest> digest = Optional.empty();
        int at = text.indexOf('@');
        if (at >= 0) {
            name = text.substring(0, at);
            digest = Optional.of(parseDigest(text, text.substring(at + 1)));
        }
        Optional<String> tag = Optional.empty();
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            tag = Optional.of(name.substring(colon + 1));
            name = name.substring(0, colon);
            checkTag(tag.get(), text);
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("reference '" + text + "': repository name is empty");
        }
        if (Patterns.IDENTIFIER.matcher(name).matches()) {
            // reference.ParseNormalizedNamed refuses these: they are image IDs, not repository names.
            throw new IllegalArgumentException("reference '" + text
                    + "': a 64-character hexadecimal string is an image ID, not a repository name");
        }
        String[] split = splitDomain(name);
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = Optional.of(DEFAULT_TAG);
        }
        checkDomain(split[0], text);
        checkPath(split[1], text);
        return new Reference(split[0], split[1], tag, digest);
    }

    /**
     * normalize.go splitDockerDomain: the first component is a registry only if it looks like a host
     * (has '.' or ':', or is "localhost"); otherwise "user/app" would be a host called "user".
     */
    private static String[] splitDomain(String name) {
        String domain = DOCKER_HUB;
        String path = name;
        int slash = name.indexOf('/');
        if (slash >= 0) {
            String first = name.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                domain = first;
                path = name.substring(slash + 1);
            }
        }
        if (domain.equals(LEGACY_DOCKER_HUB)) {
            domain = DOCKER_HUB;
        }
        if (domain.equals(DOCKER_HUB) && path.indexOf('/') < 0) {
            path = OFFICIAL_PREFIX + path;
        }
        return new String[] {domain, path};
    }

    /** The host to send API requests to (Docker Hub's differs from its name). */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API_HOST : registry;
    }

    /** registry/repository, without tag or digest. */
    public String name() {
        return registry + "/" + repository;
    }

    /** What to ask the registry for: the digest if pinned, else the tag. */
    public String identifier() {
        return digest.map(Digest::toString).orElseGet(() -> tag.orElse(DEFAULT_TAG));
    }

    /** The same repository with {@code newTag} and no digest (a digest would win over the tag). */
    public Reference withTag(String newTag) {
        checkTag(newTag, name() + ":" + newTag);
        return new Reference(registry, repository, Optional.of(newTag), Optional.empty());
    }

    /** The same repository pinned to {@code newDigest}; the tag is dropped. */
    public Reference withDigest(Digest newDigest) {
        return new Reference(registry, repository, Optional.empty(), Optional.of(newDigest));
    }

    /** The same registry with another repository, keeping tag and digest. */
    public Reference withRepository(String newRepository) {
        return new Reference(registry, newRepository, tag, digest);
    }

    /** Full normalised form: {@code docker.io/library/busybox:latest}. */
    @Override
    public String toString() {
        return name() + suffix();
    }

    /**
     * The short form Docker shows (normalize.go FamiliarString): docker.io and the "library/" of
     * official images are left out, so {@code docker.io/library/busybox:latest} is {@code busybox:latest}.
     */
    public String familiar() {
        if (!registry.equals(DOCKER_HUB)) {
            return toString();
        }
        String path = repository;
        if (path.startsWith(OFFICIAL_PREFIX) && path.indexOf('/', OFFICIAL_PREFIX.length()) < 0) {
            path = path.substring(OFFICIAL_PREFIX.length());
        }
        return path + suffix();
    }

    private String suffix() {
        return tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
    }

    private static Digest parseDigest(String text, String value) {
        try {
            return Digest.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("reference '" + text + "': invalid digest: " + e.getMessage(), e);
        }
    }

    private static void checkTag(String tag, String text) {
        if (!Patterns.TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("reference '" + text + "': invalid tag '" + tag
                    + "' (1-128 of [A-Za-z0-9_.-], not starting with '.' or '-')");
        }
    }

    private static void checkDomain(String domain, String text) {
        if (!Patterns.DOMAIN.matcher(domain).matches()) {
            throw new IllegalArgumentException("reference '" + text + "': invalid registry host '" + domain + "'");
        }
    }

    private static void checkPath(String path, String text) {
        if (!path.equals(path.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("reference '" + text + "': repository name '" + path
                    + "' must be lowercase");
        }
        for (String component : path.split("/", -1)) {
            if (!Patterns.PATH_COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("reference '" + text + "': invalid repository name '"
                        + path + "' (component '" + component + "': lower-case letters and digits, separated"
                        + " by '.', '_', '__' or dashes)");
            }
        }
    }
}
