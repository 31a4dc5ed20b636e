package dev.berth.image.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process registry on 127.0.0.1 (com.sun.net.httpserver) that serves manifests and blobs the
 * way the distribution spec says, with switchable authentication (Bearer through its own /token
 * endpoint, or Basic) and {@link Interceptor}s that tests install to inject faults. Every request is
 * recorded for assertions. Blobs are also served without auth under /storage/ (a redirect target).
 */
final class FakeRegistry implements AutoCloseable {
    enum Auth { NONE, BEARER, BASIC }

    /** A recorded request. Header names are lower case. */
    record Seen(String method, String path, String query, Map<String, List<String>> headers) {
        String header(String name) {
            List<String> v = headers.get(name);
            return v == null || v.isEmpty() ? null : v.getFirst();
        }
    }

    /** Sees each request before the normal handling; returns true if it answered it. */
    @FunctionalInterface
    interface Interceptor {
        boolean handle(HttpExchange exchange) throws IOException;
    }

    static final String TOKEN = "fake-token-42";
    private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
    private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[0-9a-f]{64})");
    private static final Pattern UPLOAD_START = Pattern.compile("/v2/(.+)/blobs/uploads/");
    private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([0-9a-f-]+)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
    private static final Pattern TAGS = Pattern.compile("/v2/(.+)/tags/list");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
    private final Map<String, String> manifestTypes = new ConcurrentHashMap<>();
    final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<Interceptor> interceptors = new CopyOnWriteArrayList<>();
    volatile Auth auth = Auth.NONE;
    /** What the token endpoint (Bearer) or the registry (Basic) accepts. */
    volatile Credentials accepted = new Credentials("alice", "s3cret");
    volatile boolean supportsRange = true;
    /** Tags per tag-list page when the client asks for no n (0: all on one page), as some registries cap pages. */
    volatile int tagPageSize;

    FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    String registry() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    String base() {
        return "http://" + registry();
    }

    Reference ref(String repositoryAndTag) {
        return Reference.parse(registry() + "/" + repositoryAndTag);
    }

    void intercept(Interceptor interceptor) {
        interceptors.add(interceptor);
    }

    void addManifest(String repository, String tagOrDigest, String mediaType, byte[] bytes) {
        manifests.put(repository + "@" + tagOrDigest, bytes);
        manifestTypes.put(repository + "@" + tagOrDigest, mediaType);
        manifests.put(repository + "@" + Digest.of("sha256", bytes), bytes);
        manifestTypes.put(repository + "@" + Digest.of("sha256", bytes), mediaType);
    }

    /** Serves {@code image} as {@code repository:tag} (its manifest also by digest). */
    void addImage(String repository, String tag, TestImage image) {
        blobs.putAll(image.blobs);
        addManifest(repository, tag, image.manifest.mediaType(), image.manifestBytes);
    }

    byte[] manifest(String repository, String tagOrDigest) {
        return manifests.get(repository + "@" + tagOrDigest);
    }

    List<Seen> seen(String method, String pathPrefix) {
        return seen.stream().filter(s -> s.method().equals(method) && s.path().startsWith(pathPrefix)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        executor.close();
    }

    private void dispatch(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            seen.add(new Seen(ex.getRequestMethod(), path, ex.getRequestURI().getRawQuery(),
                    lowerCaseHeaders(ex)));
            for (Interceptor i : interceptors) {
                if (i.handle(ex)) {
                    return;
                }
            }
            if (path.equals("/token")) {
                token(ex);
            } else if (path.startsWith("/storage/")) {
                serveBlob(ex, Digest.parse(path.substring("/storage/".length())));
            } else if (authorised(ex)) {
                route(ex, path);
            }
        }
    }

    private void route(HttpExchange ex, String path) throws IOException {
        String method = ex.getRequestMethod();
        Matcher m;
        if (path.equals("/v2/")) {
            send(ex, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        } else if ((m = MANIFEST.matcher(path)).matches() && method.equals("PUT")) {
            putManifest(ex, m.group(1), m.group(2));
        } else if ((m = MANIFEST.matcher(path)).matches()) {
            getManifest(ex, m.group(1), m.group(2));
        } else if ((m = TAGS.matcher(path)).matches() && method.equals("GET")) {
            listTags(ex, m.group(1));
        } else if ((m = BLOB.matcher(path)).matches()) {
            serveBlob(ex, Digest.parse(m.group(2)));
        } else if ((m = UPLOAD_START.matcher(path)).matches() && method.equals("POST")) {
            // A relative Location with its own query, as some registries send: the client must keep both.
            ex.getResponseHeaders().set("Location", "/v2/" + m.group(1) + "/blobs/uploads/" + UUID.randomUUID()
                    + "?_state=opaque");
            send(ex, 202, null, new byte[0]);
        } else if ((m = UPLOAD.matcher(path)).matches() && method.equals("PUT")) {
            putBlob(ex);
        } else {
            error(ex, 404, "NAME_UNKNOWN", "no route for " + method + " " + path);
        }
    }

    private void getManifest(HttpExchange ex, String repository, String reference) throws IOException {
        byte[] bytes = manifests.get(repository + "@" + reference);
        if (bytes == null) {
            error(ex, 404, "MANIFEST_UNKNOWN", "manifest unknown");
            return;
        }
        ex.getResponseHeaders().set("Docker-Content-Digest", Digest.of("sha256", bytes).toString());
        send(ex, 200, manifestTypes.get(repository + "@" + reference), bytes);
    }

    /**
     * distribution-spec "Listing Tags": tags sorted lexically, after ?last= and at most ?n= (or
     * {@link #tagPageSize}) of them, with a Link to the next page while more remain.
     */
    private void listTags(HttpExchange ex, String repository) throws IOException {
        List<String> tags = manifests.keySet().stream().filter(k -> k.startsWith(repository + "@"))
                .map(k -> k.substring(repository.length() + 1)).filter(t -> !t.startsWith("sha256:")).sorted().toList();
        if (tags.isEmpty()) {
            error(ex, 404, "NAME_UNKNOWN", "repository name not known to registry");
            return;
        }
        Map<String, String> query = new java.util.HashMap<>();
        String raw = ex.getRequestURI().getQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            query.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        int n = query.containsKey("n") ? Integer.parseInt(query.get("n")) : tagPageSize;
        List<String> page = tags.stream().filter(t -> !query.containsKey("last") || t.compareTo(query.get("last")) > 0)
                .limit(n > 0 ? n : Long.MAX_VALUE).toList();
        if (n > 0 && !page.isEmpty() && !page.getLast().equals(tags.getLast())) {
            ex.getResponseHeaders().set("Link", "</v2/" + repository + "/tags/list?n=" + n + "&last=" + page.getLast()
                    + ">; rel=\"next\"");
        }
        String json = "{\"name\":\"" + repository + "\",\"tags\":["
                + String.join(",", page.stream().map(t -> "\"" + t + "\"").toList()) + "]}";
        send(ex, 200, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private void putManifest(HttpExchange ex, String repository, String reference) throws IOException {
        byte[] bytes = ex.getRequestBody().readAllBytes();
        addManifest(repository, reference, ex.getRequestHeaders().getFirst("Content-Type"), bytes);
        ex.getResponseHeaders().set("Docker-Content-Digest", Digest.of("sha256", bytes).toString());
        send(ex, 201, null, new byte[0]);
    }

    private void putBlob(HttpExchange ex) throws IOException {
        String query = ex.getRequestURI().getQuery();
        if (query == null || !query.contains("_state=opaque") || !query.contains("digest=")) {
            error(ex, 400, "BLOB_UPLOAD_INVALID", "query lost: " + query);
            return;
        }
        Digest digest = Digest.parse(query.substring(query.indexOf("digest=") + "digest=".length()));
        byte[] bytes = ex.getRequestBody().readAllBytes();
        if (!Digest.of("sha256", bytes).equals(digest)) {
            error(ex, 400, "DIGEST_INVALID", "digest mismatch");
            return;
        }
        blobs.put(digest, bytes);
        ex.getResponseHeaders().set("Docker-Content-Digest", digest.toString());
        send(ex, 201, null, new byte[0]);
    }

    private void serveBlob(HttpExchange ex, Digest digest) throws IOException {
        byte[] bytes = blobs.get(digest);
        if (bytes == null) {
            error(ex, 404, "BLOB_UNKNOWN", "blob unknown to registry");
            return;
        }
        String range = ex.getRequestHeaders().getFirst("Range");
        Matcher m = range == null ? null : RANGE.matcher(range);
        if (supportsRange && m != null && m.matches()) {
            int start = Integer.parseInt(m.group(1));
            ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + (bytes.length - 1) + "/" + bytes.length);
            send(ex, 206, "application/octet-stream", java.util.Arrays.copyOfRange(bytes, start, bytes.length));
        } else {
            send(ex, 200, "application/octet-stream", bytes);
        }
    }

    private void token(HttpExchange ex) throws IOException {
        String given = ex.getRequestHeaders().getFirst("Authorization");
        if (!accepted.basicAuthorization().equals(given)) {
            error(ex, 401, "UNAUTHORIZED", "incorrect username or password");
            return;
        }
        send(ex, 200, "application/json", ("{\"token\":\"" + TOKEN + "\",\"expires_in\":300}")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Answers 401 with the challenge unless the request carries what {@link #auth} demands. */
    private boolean authorised(HttpExchange ex) throws IOException {
        String given = ex.getRequestHeaders().getFirst("Authorization");
        switch (auth) {
            case NONE -> {
                return true;
            }
            case BEARER -> {
                if (("Bearer " + TOKEN).equals(given)) {
                    return true;
                }
                Matcher m = Pattern.compile("/v2/(.+)/(manifests|blobs)/.*").matcher(ex.getRequestURI().getRawPath());
                String scope = m.matches() ? ",scope=\"repository:" + m.group(1) + ":pull\"" : "";
                ex.getResponseHeaders().set("WWW-Authenticate",
                        "Bearer realm=\"" + base() + "/token\",service=\"fake-registry\"" + scope);
            }
            case BASIC -> {
                if (accepted.basicAuthorization().equals(given)) {
                    return true;
                }
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"fake\"");
            }
        }
        error(ex, 401, "UNAUTHORIZED", "authentication required");
        return false;
    }

    static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        send(ex, status, "application/json", ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message
                + "\",\"detail\":null}]}").getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            ex.getResponseHeaders().set("Content-Type", contentType);
        }
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static Map<String, List<String>> lowerCaseHeaders(HttpExchange ex) {
        Map<String, List<String>> result = new java.util.HashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> result.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
        return result;
    }
}
