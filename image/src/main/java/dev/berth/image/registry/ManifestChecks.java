package dev.berth.image.registry;

import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.store.Digest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Verification of what a registry says about a manifest against the bytes it actually sent. */
final class ManifestChecks {
    private ManifestChecks() {
    }

    /**
     * The digest of {@code bytes}. It must equal the reference's digest when the reference pins one
     * (otherwise a registry could substitute content), and the Docker-Content-Digest header when the
     * registry sends one; each is computed with that digest's own algorithm.
     */
    static Digest verifyDigest(Reference ref, HttpResponse<InputStream> response, byte[] bytes)
            throws RegistryException {
        URI uri = response.uri();
        Optional<Digest> header = digestHeader("GET", response);
        if (ref.digest().isPresent()) {
            Digest expected = ref.digest().get();
            Digest actual = Digest.of(expected.algorithm(), bytes);
            if (!actual.equals(expected)) {
                throw RegistryException.invalidResponse("GET", uri, response.statusCode(),
                        "manifest digest mismatch: got " + actual + ", expected " + expected);
            }
        }
        if (header.isPresent()) {
            Digest actual = Digest.of(header.get().algorithm(), bytes);
            if (!actual.equals(header.get())) {
                throw RegistryException.invalidResponse("GET", uri, response.statusCode(),
                        "manifest digest " + actual + " differs from the Docker-Content-Digest header " + header.get());
            }
        }
        return ref.digest().or(() -> header).orElseGet(() -> Digest.of("sha256", bytes));
    }

    /** After an upload: the registry's Docker-Content-Digest, if sent, must be the digest we sent. */
    static void checkDigestHeader(String method, URI uri, HttpResponse<InputStream> response, Digest expected)
            throws RegistryException {
        Optional<Digest> header = digestHeader(method, response);
        if (header.isPresent() && !header.get().equals(expected)) {
            throw RegistryException.invalidResponse(method, uri, response.statusCode(),
                    "registry stored digest " + header.get() + ", expected " + expected);
        }
    }

    /**
     * The Content-Type when it is one of the types berth asked for; otherwise (a registry or proxy
     * answering application/json or octet-stream) the body's own {@code mediaType}. Anything else,
     * e.g. a schema 1 manifest, is refused here with both values named.
     */
    static String mediaType(HttpResponse<InputStream> response, byte[] bytes) throws RegistryException {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        int semicolon = contentType.indexOf(';');
        String bare = (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).strip()
                .toLowerCase(Locale.ROOT);
        if (isKnown(bare)) {
            return bare;
        }
        String bodyType;
        try {
            Map<String, Object> json = Json.parseObject(bytes);
            bodyType = Json.string(json, "mediaType");
        } catch (Json.MalformedJsonException e) {
            throw RegistryException.invalidResponse("GET", response.uri(), response.statusCode(),
                    "manifest with Content-Type '" + contentType + "' is not a JSON document: " + e.getMessage());
        }
        if (bodyType != null && isKnown(bodyType)) {
            return bodyType;
        }
        throw RegistryException.invalidResponse("GET", response.uri(), response.statusCode(),
                "unsupported manifest media type (Content-Type '" + contentType + "', mediaType field "
                        + (bodyType == null ? "absent" : "'" + bodyType + "'") + ")");
    }

    private static boolean isKnown(String mediaType) {
        return MediaTypes.isManifest(mediaType) || MediaTypes.isIndex(mediaType);
    }

    private static Optional<Digest> digestHeader(String method, HttpResponse<InputStream> response)
            throws RegistryException {
        Optional<String> value = response.headers().firstValue("Docker-Content-Digest");
        if (value.isEmpty() || value.get().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Digest.parse(value.get().strip()));
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalidResponse(method, response.uri(), response.statusCode(),
                    "invalid Docker-Content-Digest header: " + e.getMessage());
        }
    }
}
