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
 * One Debian {@code docker-registry} process on 127.0.0.1, storing into a fresh temporary
 * directory that {@link #close()} removes after stopping it. {@link LocalRegistry} (HTTP) and
 * {@link TlsLocalRegistry} (HTTPS) differ only in the {@code http:} settings and the probe.
 */
final class RegistryProcess implements AutoCloseable {
    private static final String BINARY = "/usr/bin/docker-registry";
    /** A generous bound for a local process to listen; reaching it fails the start with the log. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 3;

    private final Path dir;
    private final Path log;
    private Process process;
    private int port;

    private RegistryProcess(Path dir) {
        this.dir = dir;
        this.log = dir.resolve("registry.log");
    }

    /**
     * Starts the registry and waits until {@code GET /v2/} answers 200.
     *
     * @param httpSettings extra YAML lines under {@code http:}, each indented by 4 spaces (TLS)
     * @param probe        null for plain HTTP; else the TLS context the readiness probe uses
     */
    static RegistryProcess start(String httpSettings, SSLContext probe) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's docker-registry package");
        }
        RegistryProcess r = new RegistryProcess(Files.createTempDirectory("berth-registry-"));
        try {
            r.launch(httpSettings, probe);
            return r;
        } catch (IOException | InterruptedException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    int port() {
        return port;
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

    private void launch(String httpSettings, SSLContext probe) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            Path config = writeConfig(httpSettings);
            process = new ProcessBuilder(BINARY, "serve", config.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (awaitReady(probe)) {
                return;
            }
            stopProcess();
            // The only expected cause is another process taking the port between probe and bind.
            if (attempt == PORT_ATTEMPTS) {
                throw new IllegalStateException("docker-registry did not start on 127.0.0.1:" + port
                        + "; its log:\n" + log());
            }
        }
    }

    private Path writeConfig(String httpSettings) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        return Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log:
                  level: info
                http:
                  addr: 127.0.0.1:%d
                  secret: berth-test-secret
                %sstorage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                  maintenance:
                    uploadpurging:
                      enabled: false
                """.formatted(port, httpSettings, data));
    }

    /** True once /v2/ answers 200; false if the process exits or the bound passes. */
    private boolean awaitReady(SSLContext probe) throws InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        URI ping = URI.create((probe == null ? "http" : "https") + "://127.0.0.1:" + port + "/v2/");
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (probe != null) {
            builder.sslContext(probe);
        }
        try (HttpClient http = builder.build()) {
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
