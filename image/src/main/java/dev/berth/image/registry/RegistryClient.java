package dev.berth.image.registry;

import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.registry.HttpTransport.AuthScope;
import dev.berth.image.registry.HttpTransport.Call;
import dev.berth.image.registry.RegistryException.ErrorCode;
import dev.berth.image.store.ContentException;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLContext;

/**
 * A client for the OCI distribution API (distribution-spec "spec.md", the /v2/ endpoints) over
 * {@link HttpClient} with HTTP/1.1. Loopback registries (127.0.0.0/8, localhost, ::1) and those named
 * {@linkplain Builder#insecure insecure} are spoken to over plain http, every other one over https,
 * as docker does. An https registry is trusted through the JDK's default CAs plus the CA
 * certificates in its certs.d directory ({@link Builder#certsDirectories}), which may also hold a
 * client certificate for it. Thread-safe: one client serves parallel downloads and shares their tokens.
 */
public final class RegistryClient implements AutoCloseable {
    /**
     * Looked up on first use: the first System.getLogger scans the class path for a logger provider,
     * and this class logs only on rare paths (retries, redirects, resumed downloads).
     */
    private static System.Logger log() {
        return System.getLogger(RegistryClient.class.getName());
    }

    /** containerd's limit too: a "manifest" bigger than this is not one, and must not fill the heap. */
    public static final long DEFAULT_MAX_MANIFEST_SIZE = 4L << 20;
    /** One page of a tag list; tens of thousands of tags fit, a runaway body does not. */
    static final long MAX_TAG_PAGE_SIZE = 16L << 20;
    /** docker's and podman's certs.d roots: /etc/docker/certs.d, /etc/containers/certs.d. */
    public static final List<Path> DEFAULT_CERTS_DIRECTORIES = CertsDirectories.DEFAULT_ROOTS;
    /** Everything berth can read, so the registry never falls back to a converted schema 1 manifest. */
    static final String MANIFEST_ACCEPT = MediaTypes.OCI_MANIFEST + ", " + MediaTypes.OCI_INDEX + ", "
            + MediaTypes.DOCKER_MANIFEST + ", " + MediaTypes.DOCKER_MANIFEST_LIST;

    private final HttpClient http;
    private final TlsClients tlsClients;
    private final HttpTransport transport;
    private final Set<String> insecure;
    private final long maxManifestSize;
    private final Duration bodyIdleTimeout;

    private RegistryClient(Builder b, DockerConfig dockerConfig) {
        this.http = newHttpClient(b.connectTimeout, null);
        this.tlsClients = new TlsClients(new CertsDirectories(b.certsDirectories), http,
                ssl -> newHttpClient(b.connectTimeout, ssl));
        this.transport = new HttpTransport(tlsClients, b.retry, b.requestTimeout, b.userAgent);
        Map<String, Credentials> explicit = Map.copyOf(b.credentials);
        this.transport.authenticator(new Authenticator(transport,
                registry -> Optional.ofNullable(explicit.get(registry)).or(() -> dockerConfig.find(registry)),
                registry -> explicit.containsKey(registry) ? "given explicitly"
                        : dockerConfig.find(registry).isPresent() ? dockerConfig.source().toString()
                        : "none in " + dockerConfig.source(),
                Clock.systemUTC()));
        this.insecure = Set.copyOf(b.insecure);
        this.maxManifestSize = b.maxManifestSize;
        this.bodyIdleTimeout = b.bodyIdleTimeout;
    }

    /** {@code ssl} null: the JDK's default SSLContext. */
    private static HttpClient newHttpClient(Duration connectTimeout, SSLContext ssl) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER) // HttpTransport follows them, minding Authorization
                .connectTimeout(connectTimeout);
        if (ssl != null) {
            b.sslContext(ssl);
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * GETs the manifest or index {@code ref} names (its digest if pinned, else its tag). The digest is
     * computed over the received bytes and must equal the reference's digest and the registry's
     * Docker-Content-Digest header when those are present.
     *
     * @throws RegistryException HTTP failure (with the registry's error codes), digest mismatch,
     *                           oversized body, or a media type berth cannot read
     */
    public FetchedManifest getManifest(Reference ref) throws IOException {
        URI uri = v2(ref, "manifests/" + ref.identifier());
        Call call = Call.of("GET", uri, Map.of("Accept", MANIFEST_ACCEPT), pullScope(ref));
        for (int failures = 1; ; failures++) {
            HttpResponse<InputStream> response = transport.send(call);
            if (response.statusCode() != 200) {
                throw HttpTransport.unexpected(response, "GET");
            }
            long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > maxManifestSize) {
                HttpTransport.discard(response);
                throw RegistryException.invalidResponse("GET", uri, 200, "manifest of " + declared
                        + " bytes exceeds the " + maxManifestSize + "-byte limit");
            }
            byte[] bytes;
            try {
                bytes = HttpTransport.readBody(response, "GET", maxManifestSize);
            } catch (RegistryException | InterruptedIOException e) {
                throw e;
            } catch (IOException bodyFailed) {
                if (failures >= transport.retryPolicy().maxAttempts() || Thread.currentThread().isInterrupted()) {
                    throw RegistryException.forIo("GET", uri, bodyFailed, failures);
                }
                transport.retryPolicy().pause(failures, Duration.ZERO);
                continue;
            }
            Digest digest = ManifestChecks.verifyDigest(ref, response, bytes);
            return new FetchedManifest(bytes, ManifestChecks.mediaType(response, bytes), digest);
        }
    }

    /**
     * The tags of {@code repo}'s repository (its tag and digest are ignored), as the registry
     * lists them: GET /v2/NAME/tags/list, following each {@code Link: <URL>; rel="next"} to the
     * next page (distribution-spec "Listing Tags", RFC 8288 links). A next page on another
     * origin is refused rather than sent the registry's credentials, as is a page seen before.
     *
     * @throws RegistryException the status of a failed page (404 NAME_UNKNOWN for an unknown
     *                           repository), or what is wrong with a page's body or link
     */
    public List<String> listTags(Reference repo) throws IOException {
        List<String> tags = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        URI page = v2(repo, "tags/list");
        while (page != null) {
            if (!seen.add(page)) {
                throw RegistryException.invalidResponse("GET", page, 200, "tag list pages lead back to this one");
            }
            HttpResponse<InputStream> response = transport.send(Call.of("GET", page,
                    Map.of("Accept", "application/json"), pullScope(repo)));
            if (response.statusCode() != 200) {
                throw HttpTransport.unexpected(response, "GET");
            }
            byte[] body = HttpTransport.readBody(response, "GET", MAX_TAG_PAGE_SIZE);
            for (Object tag : TagPages.tags(body, page)) {
                if (!(tag instanceof String name) || !isValidTag(repo, name)) {
                    throw RegistryException.invalidResponse("GET", page, 200, "tag list holds an invalid tag: " + tag);
                }
                tags.add(name);
            }
            page = TagPages.next(response, page);
        }
        return tags;
    }

    /**
     * What docker login checks before it stores credentials: GET /v2/ (the API version check,
     * distribution-spec "end-1") with the client's credentials for {@code registry}. A Bearer
     * challenge is answered with a token requested from its realm with those credentials as Basic
     * and no scope (docker's loginV2 asks for none: the check is "can these credentials get a
     * token", not access to any repository); a Basic challenge by sending them on the retried GET.
     *
     * @param registry as written in references: docker.io for Docker Hub, else host[:port]
     * @return empty when the registry accepted the credentials (200); else the registry's words for
     *         the refusal (a 401 from /v2/ or from the token realm), possibly empty text
     * @throws RegistryException any other status, or no answer
     */
    public Optional<String> checkLogin(String registry) throws IOException {
        String host = registry.equals(Reference.DOCKER_HUB) ? Reference.DOCKER_HUB_API_HOST : registry;
        URI uri = URI.create(scheme(registry) + "://" + host + "/v2/");
        HttpResponse<InputStream> response;
        try {
            response = transport.send(Call.of("GET", uri, Map.of(), new AuthScope(registry, List.of())));
        } catch (RegistryException e) {
            if (e.status() == 401) { // the token realm refused the credentials
                return Optional.of(refusal(e));
            }
            throw e;
        }
        return switch (response.statusCode()) {
            case 200 -> {
                HttpTransport.discard(response);
                yield Optional.empty();
            }
            case 401 -> Optional.of(refusal(HttpTransport.unexpected(response, "GET")));
            default -> throw HttpTransport.unexpected(response, "GET");
        };
    }

    private static String refusal(RegistryException e) {
        return e.errors().stream().map(ErrorCode::message).filter(m -> !m.isEmpty()).findFirst().orElse("");
    }

    private static boolean isValidTag(Reference repo, String tag) {
        try {
            repo.withTag(tag);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Downloads blob {@code d} of repository {@code repo} into {@code store}, resuming with Range
     * requests when the connection drops (see {@link BlobDownload}). Size and digest are verified
     * before the blob becomes visible; on failure nothing is left in the store.
     *
     * @param progress receives the number of bytes written so far (0 again if the download restarts)
     */
    public void fetchBlob(Reference repo, Descriptor d, ContentStore store, LongConsumer progress) throws IOException {
        new BlobDownload(transport, v2(repo, "blobs/" + d.digest()), pullScope(repo), d, store, progress,
                bodyIdleTimeout).run();
    }

    /** HEAD on the blob in {@code repo}: true for 200, false for 404. Used before pushing. */
    public boolean blobExists(Reference repo, Digest digest) throws IOException {
        HttpResponse<InputStream> response = transport.send(Call.of("HEAD", v2(repo, "blobs/" + digest), Map.of(),
                pushScope(repo)));
        return switch (response.statusCode()) {
            case 200 -> {
                HttpTransport.discard(response);
                yield true;
            }
            case 404 -> {
                HttpTransport.discard(response);
                yield false;
            }
            default -> throw HttpTransport.unexpected(response, "HEAD");
        };
    }

    /**
     * Asks the registry to link blob {@code digest} of {@code fromRepository} (same registry) into
     * {@code repo} without uploading it (spec: "Mounting a blob from another repository").
     *
     * @return true when mounted (201); false when the registry declined (202: it opened an upload
     *         session instead, which is cancelled here so that the caller's upload starts cleanly)
     */
    public boolean mountBlob(Reference repo, Digest digest, String fromRepository) throws IOException {
        Reference from = repo.withRepository(fromRepository); // validates the repository name
        URI uri = v2(repo, "blobs/uploads/?mount=" + encode(digest.toString()) + "&from=" + encode(fromRepository));
        AuthScope scope = new AuthScope(repo.registry(), List.of(pushScopeName(repo), pullScopeName(from)));
        HttpResponse<InputStream> response = transport.send(new Call("POST", uri, Map.of(),
                HttpRequest.BodyPublishers.noBody(), scope));
        int status = response.statusCode();
        if (status == 201) {
            HttpTransport.discard(response);
            return true;
        }
        if (status != 202) {
            throw HttpTransport.unexpected(response, "POST");
        }
        HttpTransport.discard(response);
        response.headers().firstValue("Location").ifPresent(location -> cancelUpload(uri.resolve(location), scope));
        return false;
    }

    /**
     * Uploads blob {@code d} from {@code store} to {@code repo} monolithically: POST opens an upload
     * session, PUT {@code <Location>?digest=} sends the whole blob streamed from the store file. The
     * Location may be relative or absolute and may already carry a query (the reference registry puts
     * its upload state there), so the digest is appended with '&' in that case.
     */
    public void pushBlob(Reference repo, Descriptor d, ContentStore store) throws IOException {
        long stored = store.size(d.digest());
        if (stored != d.size()) {
            throw new ContentException(d.digest() + ": store holds " + stored + " bytes, descriptor says " + d.size());
        }
        AuthScope scope = pushScope(repo);
        URI start = v2(repo, "blobs/uploads/");
        HttpResponse<InputStream> opened = transport.send(new Call("POST", start, Map.of(),
                HttpRequest.BodyPublishers.noBody(), scope));
        if (opened.statusCode() != 202) {
            throw HttpTransport.unexpected(opened, "POST");
        }
        HttpTransport.discard(opened);
        String location = opened.headers().firstValue("Location").orElseThrow(() ->
                RegistryException.invalidResponse("POST", start, 202, "upload session without a Location header"));
        URI session = start.resolve(location);
        URI put = URI.create(session + (session.getRawQuery() == null ? "?" : "&") + "digest=" + encode(d.digest().toString()));
        Path file = store.path(d.digest());
        HttpResponse<InputStream> done = transport.send(new Call("PUT", put,
                Map.of("Content-Type", "application/octet-stream"), HttpRequest.BodyPublishers.ofFile(file), scope));
        if (done.statusCode() != 201) {
            throw HttpTransport.unexpected(done, "PUT");
        }
        HttpTransport.discard(done);
        ManifestChecks.checkDigestHeader("PUT", put, done, d.digest());
    }

    /**
     * PUTs {@code bytes} as a manifest of {@code repo} under {@code tagOrDigest}. The bytes are sent
     * exactly as given: their digest is the manifest's identity.
     *
     * @return the digest (sha256 of the bytes; the registry's Docker-Content-Digest must agree)
     */
    public Digest putManifest(Reference repo, String tagOrDigest, String mediaType, byte[] bytes) throws IOException {
        Digest digest = tagOrDigest.contains(":") ? Digest.parse(tagOrDigest) : Digest.of("sha256", bytes);
        if (tagOrDigest.contains(":") && !Digest.of(digest.algorithm(), bytes).equals(digest)) {
            throw new ContentException(digest + ": manifest bytes have digest " + Digest.of(digest.algorithm(), bytes));
        }
        if (!tagOrDigest.contains(":")) {
            repo.withTag(tagOrDigest); // validates the tag before anything is sent
        }
        URI uri = v2(repo, "manifests/" + tagOrDigest);
        HttpResponse<InputStream> response = transport.send(new Call("PUT", uri, Map.of("Content-Type", mediaType),
                HttpRequest.BodyPublishers.ofByteArray(bytes), pushScope(repo)));
        if (response.statusCode() != 201) {
            throw HttpTransport.unexpected(response, "PUT");
        }
        HttpTransport.discard(response);
        ManifestChecks.checkDigestHeader("PUT", uri, response, digest);
        return digest;
    }

    /** The http or https base of {@code ref}'s registry API, e.g. {@code http://127.0.0.1:5000/v2/}. */
    public URI baseUri(Reference ref) {
        return URI.create(scheme(ref.registry()) + "://" + ref.apiHost() + "/v2/");
    }

    @Override
    public void close() {
        tlsClients.close();
        http.close();
    }

    private URI v2(Reference ref, String rest) {
        return URI.create(baseUri(ref) + ref.repository() + "/" + rest);
    }

    /** http for loopback and explicitly insecure registries, https for all others. */
    private String scheme(String registry) {
        String host = registry.startsWith("[") ? registry.substring(1, registry.indexOf(']'))
                : registry.contains(":") ? registry.substring(0, registry.lastIndexOf(':')) : registry;
        host = host.toLowerCase(Locale.ROOT);
        boolean loopback = host.equals("localhost") || host.equals("::1") || isIpv4Loopback(host);
        return loopback || insecure.contains(registry.toLowerCase(Locale.ROOT)) || insecure.contains(host)
                ? "http" : "https";
    }

    private static boolean isIpv4Loopback(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Best effort: an abandoned session is also garbage-collected by the registry eventually. */
    private void cancelUpload(URI session, AuthScope scope) {
        try {
            HttpTransport.discard(transport.send(Call.of("DELETE", session, Map.of(), scope)));
        } catch (IOException e) {
            log().log(Level.DEBUG, "cancelling upload session {0}: {1}", session, e.toString());
        }
    }

    private static AuthScope pullScope(Reference ref) {
        return new AuthScope(ref.registry(), List.of(pullScopeName(ref)));
    }

    private static AuthScope pushScope(Reference ref) {
        return new AuthScope(ref.registry(), List.of(pushScopeName(ref)));
    }

    private static String pullScopeName(Reference ref) {
        return "repository:" + ref.repository() + ":pull";
    }

    private static String pushScopeName(Reference ref) {
        return "repository:" + ref.repository() + ":pull,push";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Options for {@link RegistryClient}; the defaults suit real registries. */
    public static final class Builder {
        private final Set<String> insecure = new HashSet<>();
        private final Map<String, Credentials> credentials = new HashMap<>();
        private Path dockerConfig;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private Duration connectTimeout = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofMinutes(2);
        private Duration bodyIdleTimeout = Duration.ofSeconds(60);
        private long maxManifestSize = DEFAULT_MAX_MANIFEST_SIZE;
        private String userAgent = "berth/0.1";
        private List<Path> certsDirectories = DEFAULT_CERTS_DIRECTORIES;

        private Builder() {
        }

        /** Talk plain http to {@code registry} ("host" or "host:port"). */
        public Builder insecure(String registry) {
            insecure.add(registry.toLowerCase(Locale.ROOT));
            return this;
        }

        /** Credentials for {@code registry} as written in references (docker.io for Docker Hub). */
        public Builder credentials(String registry, Credentials c) {
            credentials.put(registry, c);
            return this;
        }

        /** The docker config.json to read credentials from, instead of DOCKER_CONFIG / ~/.docker. */
        public Builder dockerConfig(Path configJson) {
            this.dockerConfig = configJson;
            return this;
        }

        public Builder retry(RetryPolicy policy) {
            this.retry = policy;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** How long to wait for a response's headers (body transfer is not bounded by this). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * How long a blob body may deliver nothing before the connection is given up and the
         * download resumed with a Range request.
         */
        public Builder bodyIdleTimeout(Duration timeout) {
            this.bodyIdleTimeout = timeout;
            return this;
        }

        public Builder maxManifestSize(long bytes) {
            this.maxManifestSize = bytes;
            return this;
        }

        /**
         * The certs.d roots: {@code <root>/<registry>/*.crt} are CA certificates trusted for that
         * registry besides the JDK's, {@code <root>/<registry>/NAME.cert} + {@code NAME.key} its
         * client certificates (PEM; keys unencrypted PKCS#8). {@code <registry>} is written as in
         * references, port included. Default: {@link #DEFAULT_CERTS_DIRECTORIES}; empty: none.
         */
        public Builder certsDirectories(List<Path> roots) {
            this.certsDirectories = List.copyOf(roots);
            return this;
        }

        public Builder userAgent(String agent) {
            this.userAgent = agent;
            return this;
        }

        /** Reads the docker config (a malformed one is an error naming the file) and builds the client. */
        public RegistryClient build() throws IOException {
            Path config = dockerConfig != null ? dockerConfig
                    : DockerConfig.defaultPath(System.getenv(), System.getProperty("user.home"));
            return new RegistryClient(this, DockerConfig.load(config));
        }
    }
}
