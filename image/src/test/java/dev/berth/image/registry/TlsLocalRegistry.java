package dev.berth.image.registry;

import java.io.IOException;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * Debian's {@code docker-registry} serving HTTPS on 127.0.0.1 with a given certificate, optionally
 * requiring client certificates issued by a given CA (distribution's {@code http.tls.clientcas},
 * which makes Go's server use RequireAndVerifyClientCert). References name it
 * {@link TestPki#SERVER_NAME}{@code :port}, which the test JVM resolves to 127.0.0.1 through
 * jdk.net.hosts.file (see image/pom.xml).
 */
final class TlsLocalRegistry implements AutoCloseable {
    private final RegistryProcess process;

    private TlsLocalRegistry(RegistryProcess process) {
        this.process = process;
    }

    /**
     * Starts the registry and waits until {@code GET https://127.0.0.1:PORT/v2/} answers 200 through
     * {@code probe} (which must trust the server certificate, and present a client certificate when
     * {@code clientCa} is given).
     *
     * @param clientCa null: no client certificate asked for
     */
    static TlsLocalRegistry start(Path certificate, Path key, Path clientCa, SSLContext probe)
            throws IOException, InterruptedException {
        String clientCas = clientCa == null ? "" : """
                    clientcas:
                      - %s
                """.formatted(clientCa);
        String tls = """
                  tls:
                    certificate: %s
                    key: %s
                """.formatted(certificate, key) + clientCas;
        return new TlsLocalRegistry(RegistryProcess.start(tls, probe));
    }

    int port() {
        return process.port();
    }

    /** "registry.berth.test:PORT", as written in references and as the certs.d directory name. */
    String registry() {
        return TestPki.SERVER_NAME + ":" + port();
    }

    Reference ref(String repositoryAndTag) {
        return Reference.parse(registry() + "/" + repositoryAndTag);
    }

    /** Everything the registry logged so far. */
    String log() {
        return process.log();
    }

    @Override
    public void close() {
        process.close();
    }
}
