package dev.berth.image.registry;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A registry request failed. The message is {@code METHOD URL: STATUS CODE message} using the error
 * codes of the distribution spec's error body ({@code {"errors":[{"code":..,"message":..}]}}), e.g.
 * {@code GET http://127.0.0.1:5000/v2/busybox/manifests/9: 404 MANIFEST_UNKNOWN manifest unknown}.
 * {@link #status()} is -1 when no HTTP response was received (connection failure).
 */
public final class RegistryException extends IOException {
    /** One entry of the registry's error body. */
    public record ErrorCode(String code, String message) {
        @Override
        public String toString() {
            return message.isEmpty() ? code : code + " " + message;
        }
    }

    /** Error bodies are for humans; more than this is not an error document. */
    static final int MAX_ERROR_BODY = 64 * 1024;
    private static final int MAX_TEXT_SNIPPET = 200;

    private final String method;
    private final URI uri;
    private final int status;
    private final List<ErrorCode> errors;

    RegistryException(String message, String method, URI uri, int status, List<ErrorCode> errors, Throwable cause) {
        super(message, cause);
        this.method = method;
        this.uri = uri;
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    /** An unexpected HTTP status; {@code body} is the (capped) response body, parsed for error codes. */
    static RegistryException forStatus(String method, URI uri, int status, byte[] body) {
        List<ErrorCode> errors = parseErrors(body);
        String detail = errors.isEmpty() ? textSnippet(body)
                : errors.stream().map(ErrorCode::toString).collect(Collectors.joining("; "));
        String message = method + " " + uri + ": " + status + (detail.isEmpty() ? "" : " " + detail)
                + plainHttpToTlsHint(uri, status, detail);
        return new RegistryException(message, method, uri, status, errors, null);
    }

    /** No usable response: the connection failed, after all retries. */
    static RegistryException forIo(String method, URI uri, IOException cause, int attempts) {
        String what = describe(uri, cause);
        return new RegistryException(method + " " + uri + ": " + what + " (after " + attempts
                + (attempts == 1 ? " attempt)" : " attempts)"), method, uri, -1, List.of(), cause);
    }

    /**
     * A TLS failure with {@code registry}, after {@code attempts}; {@code hint} says what to do
     * about it (empty: nothing to suggest beyond the cause).
     */
    static RegistryException forTls(String method, URI uri, String registry, IOException cause, String hint,
                                    int attempts) {
        String what = describe(uri, cause);
        return new RegistryException(method + " " + uri + ": TLS with registry " + registry + " failed: " + what
                + (hint.isEmpty() ? "" : "; " + hint) + " (after " + attempts + (attempts == 1 ? " attempt)" : " attempts)"),
                method, uri, -1, List.of(), cause);
    }

    /** A response that arrived but is unusable (wrong digest, oversized, no media type...). */
    static RegistryException invalidResponse(String method, URI uri, int status, String problem) {
        return new RegistryException(method + " " + uri + ": " + status + " " + problem, method, uri, status,
                List.of(), null);
    }

    /** A transfer that did not complete; no single status describes it. */
    static RegistryException incomplete(String method, URI uri, String problem, Throwable cause) {
        return new RegistryException(method + " " + uri + ": " + problem, method, uri, -1, List.of(), cause);
    }

    /** The same failure explained in a wider context (e.g. which authentication step it was). */
    RegistryException withContext(String context) {
        return new RegistryException(context + ": " + getMessage(), method, uri, status, errors, this);
    }

    public String method() {
        return method;
    }

    public URI uri() {
        return uri;
    }

    /** The HTTP status, or -1 when the request never got a response. */
    public int status() {
        return status;
    }

    /** The registry's error codes (distribution spec "Error Codes"), possibly empty. */
    public List<ErrorCode> errors() {
        return errors;
    }

    /** True if the registry reported {@code code} (e.g. MANIFEST_UNKNOWN). */
    public boolean hasCode(String code) {
        return errors.stream().anyMatch(e -> e.code().equals(code));
    }

    private static List<ErrorCode> parseErrors(byte[] body) {
        if (body == null || body.length == 0) {
            return List.of();
        }
        Map<String, Object> root;
        try {
            root = Json.parseObject(body);
        } catch (Json.MalformedJsonException notJson) {
            return List.of();
        }
        List<ErrorCode> result = new ArrayList<>();
        for (Object item : Json.array(root, "errors")) {
            if (item instanceof Map<?, ?> m) {
                Object code = m.get("code");
                Object message = m.get("message");
                result.add(new ErrorCode(code instanceof String c ? c : "UNKNOWN",
                        message instanceof String s ? s : ""));
            }
        }
        return result;
    }

    /**
     * Go's net/http answers a plain-HTTP request on a TLS port with 400 "Client sent an HTTP request
     * to an HTTPS server." (server.go), which is what a registry listed as insecure but serving TLS
     * returns; why berth spoke HTTP belongs in the message, since that is what to change.
     */
    private static String plainHttpToTlsHint(URI uri, int status, String detail) {
        boolean plain = "http".equalsIgnoreCase(uri.getScheme());
        return plain && status == 400 && detail.contains("HTTP request to an HTTPS server")
                ? "; " + uri.getAuthority() + " serves HTTPS, but berth speaks plain HTTP to loopback registries"
                + " and to those listed as insecure" : "";
    }

    /** A short single-line excerpt of a non-JSON body (proxies answer with HTML or plain text). */
    private static String textSnippet(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = new String(body, 0, Math.min(body.length, MAX_TEXT_SNIPPET), StandardCharsets.UTF_8)
                .replaceAll("\\s+", " ").strip();
        return body.length > MAX_TEXT_SNIPPET ? text + "..." : text;
    }

    /** The failure in words; causes without a message are described by the first that has one. */
    private static String describe(URI uri, IOException cause) {
        if (cause instanceof java.net.ConnectException) {
            // HttpClient's ConnectException carries no message; say what it means.
            return "connection refused: nothing listens at " + uri.getHost() + ":" + port(uri)
                    + " (is the registry running, and is this its address?)";
        }
        Throwable detailed = cause;
        while (detailed.getMessage() == null && detailed.getCause() != null) {
            detailed = detailed.getCause();
        }
        return detailed.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + detailed.getMessage();
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equals(uri.getScheme()) ? 443 : 80;
    }
}
