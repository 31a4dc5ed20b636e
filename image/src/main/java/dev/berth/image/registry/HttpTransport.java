package dev.berth.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Sends one registry request to completion of its headers: retries transient failures (connection
 * errors, 429, 500-504) with backoff, answers a 401 challenge once through the {@link Authenticator},
 * and follows redirects itself so that the Authorization header is dropped when a redirect leaves
 * the registry's origin (blob downloads are commonly redirected to object storage, which must never
 * see registry credentials). The caller reads or closes the returned body. TLS failures that the
 * same certificates would repeat (untrusted or rejected certificates, a server not speaking TLS) are
 * not retried, and their errors name the registry and the remedy (see {@link TlsClients}).
 */
final class HttpTransport {
    /**
     * Looked up on first use: the first System.getLogger scans the class path for a logger provider,
     * and this class logs only on rare paths (retries, redirects, resumed downloads).
     */
    private static System.Logger log() {
        return System.getLogger(HttpTransport.class.getName());
    }

    /** Same bound as Go's net/http client, which the reference registry clients use. */
    private static final int MAX_REDIRECTS = 10;

    /**
     * A request to send. {@code auth} is null for requests that must never carry registry
     * credentials (token requests carry their own Basic header in {@code headers}). {@code registry}
     * is the registry the request is made for, which picks its TLS setup (certs.d); it defaults to
     * {@code auth}'s registry and is null only for requests made for no registry.
     */
    record Call(String method, URI uri, Map<String, String> headers, HttpRequest.BodyPublisher body,
                AuthScope auth, String registry) {
        Call {
            headers = Map.copyOf(headers);
            if (registry == null && auth != null) {
                registry = auth.registry();
            }
        }

        Call(String method, URI uri, Map<String, String> headers, HttpRequest.BodyPublisher body, AuthScope auth) {
            this(method, uri, headers, body, auth, null);
        }

        static Call of(String method, URI uri, Map<String, String> headers, AuthScope auth) {
            return new Call(method, uri, headers, null, auth);
        }

        /**
         * The same request, made for {@code registry}: a token request carries no credentials scope
         * yet must use that registry's TLS setup (docker sends it through the registry's transport).
         */
        Call forRegistry(String registry) {
            return new Call(method, uri, headers, body, auth, registry);
        }
    }

    /** Which registry a request goes to and which token scopes it needs. */
    record AuthScope(String registry, List<String> scopes) {
        AuthScope {
            scopes = List.copyOf(scopes);
        }
    }

    private final TlsClients clients;
    private final RetryPolicy retry;
    private final Duration requestTimeout;
    private final String userAgent;
    private Authenticator authenticator;

    HttpTransport(HttpClient http, RetryPolicy retry, Duration requestTimeout, String userAgent) {
        this(new TlsClients(new CertsDirectories(List.of()), http, ssl -> http), retry, requestTimeout, userAgent);
    }

    /** Sends each request through the client {@code clients} picks for the request's registry. */
    HttpTransport(TlsClients clients, RetryPolicy retry, Duration requestTimeout, String userAgent) {
        this.clients = clients;
        this.retry = retry;
        this.requestTimeout = requestTimeout;
        this.userAgent = userAgent;
    }

    /** Set once, right after construction: the authenticator itself sends token requests through here. */
    void authenticator(Authenticator auth) {
        this.authenticator = auth;
    }

    RetryPolicy retryPolicy() {
        return retry;
    }

    /**
     * Sends {@code call}, retrying as described in the class comment. Any status may come back: the
     * caller decides what is success. Only a missing response after every attempt is an exception.
     */
    HttpResponse<InputStream> send(Call call) throws IOException {
        // Outside the retry loop: a malformed certs.d file is not a transient failure.
        HttpClient http = clients.clientFor(call.registry());
        boolean challengeAnswered = false;
        int failures = 0;
        while (true) {
            HttpResponse<InputStream> response;
            try {
                response = sendFollowingRedirects(http, call, authorization(call));
            } catch (IOException e) {
                failures++;
                if (e instanceof InterruptedIOException || Thread.currentThread().isInterrupted()) {
                    throw e instanceof InterruptedIOException io ? io : interrupted(call, e);
                }
                TlsClients.Failure tls = TlsClients.classify(e);
                if (failures >= retry.maxAttempts() || (tls != null && tls.permanent)) {
                    throw clients.failure(call.method(), call.uri(), call.registry(), e, failures);
                }
                log().log(Level.INFO, "{0} {1}: {2}; retrying", call.method(), call.uri(), e.toString());
                retry.pause(failures, Duration.ZERO);
                continue;
            }
            int status = response.statusCode();
            if (status == 401 && !challengeAnswered && call.auth() != null && sameOrigin(response.uri(), call.uri())) {
                List<String> challenges = response.headers().allValues("WWW-Authenticate");
                if (!challenges.isEmpty()) {
                    discard(response);
                    authenticator.answer(call.auth(), challenges, call.uri());
                    challengeAnswered = true;
                    continue;
                }
            }
            if (RetryPolicy.isRetryableStatus(status) && failures + 1 < retry.maxAttempts()) {
                failures++;
                Duration retryAfter = retryAfter(response);
                discard(response);
                log().log(Level.INFO, "{0} {1}: {2}; retrying", call.method(), call.uri(), status);
                retry.pause(failures, retryAfter);
                continue;
            }
            return response;
        }
    }

    /** Reads a (small) body fully; at most {@code limit} bytes, more is an error naming the URL. */
    static byte[] readBody(HttpResponse<InputStream> response, String method, long limit) throws IOException {
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw RegistryException.invalidResponse(method, response.uri(), response.statusCode(),
                        "response body larger than the " + limit + "-byte limit");
            }
            return bytes;
        }
    }

    /** The error for an unexpected status, with the registry's error codes from the body. */
    static RegistryException unexpected(HttpResponse<InputStream> response, String method) {
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(RegistryException.MAX_ERROR_BODY);
        } catch (IOException unreadable) {
            body = new byte[0]; // The status alone still says what failed.
        }
        return RegistryException.forStatus(method, response.uri(), response.statusCode(), body);
    }

    /** Closes an unwanted body so that its connection is released (or dropped) instead of leaking. */
    static void discard(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // Nothing to recover: the body was not wanted.
        }
    }

    private Optional<String> authorization(Call call) {
        return call.auth() == null ? Optional.empty() : authenticator.authorization(call.auth());
    }

    private HttpResponse<InputStream> sendFollowingRedirects(HttpClient http, Call call, Optional<String> authorization)
            throws IOException {
        URI uri = call.uri();
        String method = call.method();
        boolean sendAuthorization = authorization.isPresent();
        for (int hop = 0; ; hop++) {
            HttpResponse<InputStream> response = sendOnce(http, call, method, uri,
                    sendAuthorization ? authorization : Optional.empty());
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("Location");
            boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
            // Only GET/HEAD are followed: an upload's 3xx carries a body that must not be replayed blindly.
            if (!redirect || location.isEmpty() || !(method.equals("GET") || method.equals("HEAD"))) {
                return response;
            }
            discard(response);
            if (hop + 1 >= MAX_REDIRECTS) {
                throw RegistryException.invalidResponse(call.method(), call.uri(), status,
                        "more than " + MAX_REDIRECTS + " redirects");
            }
            URI next = uri.resolve(location.get());
            if (!sameOrigin(next, call.uri())) {
                sendAuthorization = false; // and never restored, even if a later hop comes back
            }
            log().log(Level.DEBUG, "{0} {1}: {2} to {3}", method, uri, status, next);
            uri = next;
        }
    }

    private HttpResponse<InputStream> sendOnce(HttpClient http, Call call, String method, URI uri,
                                               Optional<String> authorization)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(requestTimeout).header("User-Agent", userAgent);
        call.headers().forEach(b::header);
        authorization.ifPresent(a -> b.header("Authorization", a));
        b.method(method, call.body() == null ? HttpRequest.BodyPublishers.noBody() : call.body());
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException io = new InterruptedIOException(method + " " + uri + ": interrupted");
            io.initCause(e);
            throw io;
        }
    }

    private static InterruptedIOException interrupted(Call call, IOException cause) {
        InterruptedIOException io = new InterruptedIOException(call.method() + " " + call.uri() + ": interrupted");
        io.initCause(cause);
        return io;
    }

    /** RFC 6454 origin: scheme, host and port (default port filled in). */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return u.getScheme().toLowerCase(Locale.ROOT).equals("https") ? 443 : 80;
    }

    /** Retry-After in seconds (RFC 9110 10.2.3); the HTTP-date form is rare for registries and ignored. */
    private static Duration retryAfter(HttpResponse<InputStream> response) {
        try {
            return response.headers().firstValue("Retry-After").map(v -> Duration.ofSeconds(Long.parseLong(v.strip())))
                    .filter(d -> !d.isNegative()).orElse(Duration.ZERO);
        } catch (NumberFormatException dateForm) {
            return Duration.ZERO;
        }
    }
}
