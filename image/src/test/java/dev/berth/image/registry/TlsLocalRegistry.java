package dev.berth.image.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * Debian's {@code docker-registry} serving HTTPS on 127.0.0.1 with a given certificate, optionally
 * requiring client certificates issued by a given CA (distribution's {@code http.tls.clientcas},
 * which makes Go's server use RequireAndVerifyClientCert). It stores into a fresh temporary
 * directory that {@link #close()} removes after stopping the process. References name it
 * {@link TestPki#SERVER_NAME}{@code :port}, which the test JVM resolves to 127.0.0.1 through
 * jdk.net.hosts.file (see image/pom.xml).
 */
final class TlsLocalRegistry implements AutoCloseable {
    private static final String BINARY = "/usr/bin/docker-registry";
    /** A generous bound for a local process to listen; reaching it fails the start with the log. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 3;

    private final Path dir;
    private final Path log;
    private Process process;
    private int port;

    private TlsLocalRegistry(Path dir) {
        this.dir = dir;
        this.log = dir.resolve("registry.log");
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
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's docker-registry package");
        }
        TlsLocalRegistry r = new TlsLocalRegistry(Files.createTempDirectory("berth-tls-registry-"));
        try {
            r.launch(certificate, key, clientCa, probe);
            return r;
        } catch (IOException | InterruptedException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    private void launch(Path certificate, Path key, Path clientCa, SSLContext probe)
            throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            Path config = writeConfig(certificate, key, clientCa);
            process = new ProcessBuilder(BINARY, "serve", config.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (awaitReady(probe)) {
                return;
            }
            stopProcess();
            // The only expected cause is another process taking the port between probe and bind.
            if (attempt == PORT_ATTEMPTS) {
                throw new IllegalStateException("docker-registry (TLS) did not start on 127.0.0.1:" + port
                        + "; its log:\n" + log());
            }
        }
    }

    int port() {
        return port;
    }

    /** "registry.berth.test:PORT", as written in references and as the certs.d directory name. */
    String registry() {
        return TestPki.SERVER_NAME + ":" + port;
    }

    Reference ref(String repositoryAndTag) {
        return Reference.parse(registry() + "/" + repositoryAndTag);
    }

    /** Everything the registry logged so far. */
    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        stopProcess();
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + dir, e);
        }
    }

    private Path writeConfig(Path certificate, Path key, Path clientCa) throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        String clientCas = clientCa == null ? "" : """
                    clientcas:
                      - %s
                """.formatted(clientCa);
        return Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log:
                  level: info
                http:
                  addr: 127.0.0.1:%d
                  secret: berth-test-secret
                  tls:
                    certificate: %s
                    key: %s
                %sstorage:
                  filesystem:
                    rootdirectory: %s
                  maintenance:
                    uploadpurging:
                      enabled: false
                """.formatted(port, certificate, key, clientCas, data));
    }

    /** True once /v2/ answers 200 over TLS; false if the process exits or the bound passes. */
    private boolean awaitReady(SSLContext probe) throws InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        URI ping = URI.create("https://127.0.0.1:" + port + "/v2/");
        try (HttpClient http = HttpClient.newBuilder().sslContext(probe).connectTimeout(Duration.ofSeconds(2)).build()) {
            while (process.isAlive() && Instant.now().isBefore(deadline)) {
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(ping).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        return true;
                    }
                } catch (IOException notYetListening) {
                    // Connection refused until the registry has bound its port.
                }
                Thread.sleep(50);
            }
        }
        return false;
    }

    private void stopProcess() {
        if (process == null) {
            return;
        }
        process.destroy(); // SIGTERM: the registry shuts down its HTTP server
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
