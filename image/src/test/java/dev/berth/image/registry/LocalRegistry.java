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
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Debian's {@code docker-registry} (distribution 2.8) as a child process on 127.0.0.1, storing into
 * a fresh temporary directory. Use it as a class-level extension:
 * <pre>
 *   &#64;RegisterExtension
 *   static final LocalRegistry REGISTRY = new LocalRegistry();
 * </pre>
 * It starts before the class's tests, is stopped (destroy, then wait) after them with its directory
 * removed, and prints its log when a test fails. {@link #start()} and {@link #close()} work on their
 * own too.
 */
public final class LocalRegistry implements BeforeAllCallback, AfterAllCallback, TestWatcher, AutoCloseable {
    private static final String BINARY = "/usr/bin/docker-registry";
    /** A generous bound for a local process to listen; reaching it fails the start with the log. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 3;

    private Path dir;
    private Path log;
    private Process process;
    private int port;

    /** Starts the registry and waits until {@code GET /v2/} answers 200. */
    public void start() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's docker-registry package");
        }
        dir = Files.createTempDirectory("berth-registry-");
        log = dir.resolve("registry.log");
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            Path config = writeConfig(port);
            process = new ProcessBuilder(BINARY, "serve", config.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (awaitReady()) {
                return;
            }
            stopProcess();
            // The only expected cause is another process taking the port between probe and bind.
            if (attempt == PORT_ATTEMPTS) {
                String text = log();
                deleteDir();
                throw new IllegalStateException("docker-registry did not start on 127.0.0.1:" + port
                        + "; its log:\n" + text);
            }
        }
    }

    /** "127.0.0.1:PORT", as written in references. */
    public String registry() {
        return "127.0.0.1:" + port;
    }

    public Reference ref(String repositoryAndTag) {
        return Reference.parse(registry() + "/" + repositoryAndTag);
    }

    /** Everything the registry logged so far. */
    public String log() {
        try {
            return log != null && Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        stopProcess();
        deleteDir();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.err.println("---- docker-registry log (" + context.getDisplayName() + " failed) ----\n" + log()
                + "---- end of docker-registry log ----");
    }

    private Path writeConfig(int port) throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        return Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log:
                  level: info
                http:
                  addr: 127.0.0.1:%d
                  secret: berth-test-secret
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                  maintenance:
                    uploadpurging:
                      enabled: false
                """.formatted(port, data));
    }

    /** True once /v2/ answers 200; false if the process exits or the bound passes. */
    private boolean awaitReady() throws InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        URI ping = URI.create("http://" + registry() + "/v2/");
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
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
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private void deleteDir() {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + dir, e);
        }
        dir = null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
