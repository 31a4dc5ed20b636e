package dev.berth.image.registry;

import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Debian's {@code docker-registry} (distribution 2.8) as a child process on 127.0.0.1 speaking
 * plain HTTP, storing into a fresh temporary directory. Use it as a class-level extension:
 * <pre>
 *   &#64;RegisterExtension
 *   static final LocalRegistry REGISTRY = new LocalRegistry();
 * </pre>
 * It starts before the class's tests, is stopped (destroy, then wait) after them with its directory
 * removed, and prints its log when a test fails. {@link #start()} and {@link #close()} work on their
 * own too.
 */
public final class LocalRegistry implements BeforeAllCallback, AfterAllCallback, TestWatcher, AutoCloseable {
    private RegistryProcess process;

    /** Starts the registry and waits until {@code GET /v2/} answers 200. */
    public void start() throws IOException, InterruptedException {
        process = RegistryProcess.start("", null);
    }

    /** "127.0.0.1:PORT", as written in references. */
    public String registry() {
        return "127.0.0.1:" + process.port();
    }

    public Reference ref(String repositoryAndTag) {
        return Reference.parse(registry() + "/" + repositoryAndTag);
    }

    /** Everything the registry logged so far. */
    public String log() {
        return process == null ? "(no log)" : process.log();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
            process = null;
        }
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
}
