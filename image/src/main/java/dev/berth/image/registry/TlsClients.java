package dev.berth.image.registry;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The HttpClient for each registry: the default one unless the registry has certs.d entries, then
 * one per distinct trust setup (registries with identical files share it). A registry's certs.d is
 * read on its first request and kept for the client's lifetime. Requests made for a registry all use
 * its client, token requests and redirects to other hosts included, as docker's per-registry
 * transport does.
 *
 * <p>Also turns TLS failures into errors that name the registry and say what to do.
 */
final class TlsClients implements AutoCloseable {
    private static System.Logger log() {
        return System.getLogger(TlsClients.class.getName());
    }

    /**
     * TLS alerts a registry sends about the client's certificate (RFC 8446 6.2): no certificate,
     * or one it does not accept.
     */
    private static final Set<String> CLIENT_CERTIFICATE_ALERTS = Set.of("bad_certificate", "certificate_required",
            "unknown_ca", "certificate_unknown", "unsupported_certificate", "certificate_expired",
            "certificate_revoked", "access_denied");

    /** What kind of TLS failure an exception is; null from {@link #classify} when it is none. */
    enum Failure {
        /** No path to a trusted CA: the remedy is the registry's CA in certs.d. */
        UNTRUSTED(true),
        /** The certificate chains to a trusted CA but is unacceptable (expired, wrong name). */
        CERTIFICATE_REJECTED(true),
        /** The server answered the ClientHello with something that is not TLS. */
        NOT_TLS(true),
        /** The registry refused the client certificate, or wanted one. */
        CLIENT_CERTIFICATE_REJECTED(true),
        /** Anything else in TLS, such as a connection dropped mid-handshake: worth retrying. */
        OTHER(false);

        /** Retrying cannot help: the same certificates give the same verdict. */
        final boolean permanent;

        Failure(boolean permanent) {
            this.permanent = permanent;
        }
    }

    private final CertsDirectories certs;
    private final HttpClient defaultClient;
    private final Function<SSLContext, HttpClient> newClient;
    private final Map<String, HttpClient> byRegistry = new ConcurrentHashMap<>();
    private final Map<String, RegistryCerts> certsByRegistry = new ConcurrentHashMap<>();
    private final Map<String, HttpClient> bySetup = new HashMap<>();

    /** @param newClient builds a client like {@code defaultClient} but with the given SSLContext */
    TlsClients(CertsDirectories certs, HttpClient defaultClient, Function<SSLContext, HttpClient> newClient) {
        this.certs = certs;
        this.defaultClient = defaultClient;
        this.newClient = newClient;
    }

    /**
     * The client for requests made on behalf of {@code registry} (null: the default client). A
     * malformed certs.d file is an error naming it, raised again on every request until fixed.
     */
    HttpClient clientFor(String registry) throws IOException {
        if (registry == null) {
            return defaultClient;
        }
        HttpClient known = byRegistry.get(registry);
        return known != null ? known : load(registry);
    }

    private synchronized HttpClient load(String registry) throws IOException {
        HttpClient known = byRegistry.get(registry);
        if (known != null) {
            return known;
        }
        RegistryCerts found = certs.load(registry);
        HttpClient client = defaultClient;
        if (!found.isEmpty()) {
            String setup = found.setupKey();
            client = bySetup.get(setup);
            if (client == null) {
                client = newClient.apply(found.sslContext());
                bySetup.put(setup, client);
            }
            log().log(Level.DEBUG, "registry {0}: CA files {1}, client certificates {2}", registry, found.caFiles(),
                    found.identities().stream().map(RegistryCerts.ClientIdentity::certFile).toList());
        }
        certsByRegistry.put(registry, found);
        byRegistry.put(registry, client);
        return client;
    }

    /** The TLS failure {@code e} is (looking through its causes), or null if it is not one. */
    static Failure classify(IOException e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        // The JDK wraps the path builder's exception in a CertificateException (ValidatorException),
        // so the more specific cause is looked for first.
        if (chain.stream().anyMatch(CertPathBuilderException.class::isInstance)) {
            return Failure.UNTRUSTED;
        }
        if (chain.stream().anyMatch(CertificateException.class::isInstance)) {
            return Failure.CERTIFICATE_REJECTED;
        }
        if (chain.stream().noneMatch(SSLException.class::isInstance)) {
            return null;
        }
        List<String> messages = chain.stream().map(t -> String.valueOf(t.getMessage())).toList();
        // JDK 25 says "Unrecognized SSL message, plaintext connection?", older JDKs "Unsupported or
        // unrecognized SSL message": the server answered the ClientHello with something not TLS.
        if (messages.stream().anyMatch(m -> m.toLowerCase(Locale.ROOT).contains("unrecognized ssl message"))) {
            return Failure.NOT_TLS;
        }
        if (messages.stream().anyMatch(TlsClients::isClientCertificateAlert)) {
            return Failure.CLIENT_CERTIFICATE_REJECTED;
        }
        return Failure.OTHER;
    }

    /** The JDK's message for an alert from the peer is "Received fatal alert: NAME". */
    private static boolean isClientCertificateAlert(String message) {
        int at = message.indexOf("Received fatal alert: ");
        return at >= 0 && CLIENT_CERTIFICATE_ALERTS.contains(message.substring(at + "Received fatal alert: ".length()).strip());
    }

    /**
     * The error for {@code e}, a failed request for {@code registry}: a TLS one naming the registry
     * with the remedy for its {@linkplain Failure kind}, or the plain connection error.
     */
    RegistryException failure(String method, URI uri, String registry, IOException e, int attempts) {
        Failure kind = classify(e);
        if (kind == null) {
            return RegistryException.forIo(method, uri, e, attempts);
        }
        String name = registry != null ? registry : uri.getAuthority();
        return RegistryException.forTls(method, uri, name, e, hint(kind, name), attempts);
    }

    private String hint(Failure kind, String registry) {
        RegistryCerts loaded = certsByRegistry.get(registry);
        String where = certs.describeDirectoriesFor(registry);
        return switch (kind) {
            case UNTRUSTED -> {
                String trusted = loaded == null || loaded.caFiles().isEmpty() ? ""
                        : " (trusted for it now, besides the JDK's CAs: " + join(loaded.caFiles()) + ")";
                yield "its certificate is not signed by a CA berth trusts" + trusted
                        + (where.isEmpty() ? "" : "; put the registry's CA certificate (PEM, named *.crt) in " + where);
            }
            case CERTIFICATE_REJECTED -> "its certificate was rejected";
            case NOT_TLS -> "it does not speak TLS on this port; if it serves plain HTTP, list it as an insecure registry";
            case CLIENT_CERTIFICATE_REJECTED -> loaded == null || loaded.identities().isEmpty()
                    ? "it wants a client certificate and none is configured"
                            + (where.isEmpty() ? "" : "; put NAME.cert and NAME.key (PEM, PKCS#8) in " + where)
                    : "it refused the client certificate "
                            + join(loaded.identities().stream().map(RegistryCerts.ClientIdentity::certFile).toList());
            case OTHER -> "";
        };
    }

    private static String join(List<?> items) {
        return items.stream().map(Object::toString).collect(Collectors.joining(", "));
    }

    /** Closes the clients made here; the default client belongs to the caller. */
    @Override
    public synchronized void close() {
        List<HttpClient> made = new ArrayList<>(bySetup.values());
        bySetup.clear();
        byRegistry.clear();
        made.forEach(HttpClient::close);
    }
}
