package dev.berth.image.registry;

import dev.berth.image.manifest.Descriptor;
import dev.berth.image.registry.HttpTransport.AuthScope;
import dev.berth.image.registry.HttpTransport.Call;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Ingest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One blob download into one {@link Ingest}. When the body stops early (connection reset, or a body
 * shorter than the descriptor's size) the download continues with {@code Range: bytes=<written>-}
 * into the same ingest, so the hash keeps running over exactly the bytes received. A server that
 * answers such a request with 200 (it ignores Range, which RFC 9110 14.2 allows) sends the whole blob
 * again: the ingest is dropped and started from zero. Size and digest are checked by the ingest's
 * commit; on any failure the ingest is aborted and nothing is left in the store.
 */
final class BlobDownload {
    /**
     * Looked up on first use: the first System.getLogger scans the class path for a logger provider,
     * and this class logs only on rare paths (retries, redirects, resumed downloads).
     */
    private static System.Logger log() {
        return System.getLogger(BlobDownload.class.getName());
    }

    private static final int BUFFER_SIZE = 64 * 1024;

    /** Holder idiom: compiled on first use. */
    private static final class Patterns {
        static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    }

    private final HttpTransport transport;
    private final URI uri;
    private final AuthScope scope;
    private final Descriptor descriptor;
    private final ContentStore store;
    private final LongConsumer progress;
    private final Duration idleTimeout;
    private Ingest ingest;
    private IOException lastBodyError;

    BlobDownload(HttpTransport transport, URI uri, AuthScope scope, Descriptor descriptor, ContentStore store,
                 LongConsumer progress, Duration idleTimeout) {
        this.transport = transport;
        this.uri = uri;
        this.scope = scope;
        this.descriptor = descriptor;
        this.store = store;
        this.progress = progress;
        this.idleTimeout = idleTimeout;
    }

    void run() throws IOException {
        ingest = store.begin(descriptor.digest(), descriptor.size());
        try {
            int shortBodies = 0;
            while (ingest.written() < descriptor.size()) {
                if (!fetchOnce()) {
                    shortBodies++;
                    RetryPolicy retry = transport.retryPolicy();
                    if (shortBodies >= retry.maxAttempts()) {
                        throw incomplete(shortBodies);
                    }
                    retry.pause(shortBodies, Duration.ZERO);
                }
            }
            ingest.commit();
        } finally {
            ingest.close(); // no-op after commit; otherwise deletes the ingest file
        }
    }

    /** One GET (ranged when resuming). True if the body ended normally with the whole blob written. */
    private boolean fetchOnce() throws IOException {
        long offset = ingest.written();
        Map<String, String> headers = offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
        HttpResponse<InputStream> response = transport.send(Call.of("GET", uri, headers, scope));
        int status = response.statusCode();
        if (status == 200 && offset > 0) {
            log().log(Level.INFO, "{0}: server ignored Range from {1}; restarting from zero", uri, offset);
            restart();
        } else if ((status == 206 && rangeStart(response) != offset) || status == 416) {
            // A range we did not ask for, or one the server cannot serve: the bytes cannot be placed,
            // so start over without Range (counted as a failed attempt).
            HttpTransport.discard(response);
            restart();
            return false;
        } else if (status != 200 && status != 206) {
            throw HttpTransport.unexpected(response, "GET");
        }
        return copyBody(response) && ingest.written() == descriptor.size();
    }

    /** Copies the body into the ingest; false if the connection failed or stalled part way. */
    private boolean copyBody(HttpResponse<InputStream> response) throws IOException {
        byte[] buffer = new byte[BUFFER_SIZE];
        InputStream in = response.body();
        StallWatchdog watchdog = new StallWatchdog(in, idleTimeout);
        try {
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    if (e instanceof InterruptedIOException || Thread.currentThread().isInterrupted()) {
                        throw e; // cancelled: not a network fault to retry
                    }
                    lastBodyError = watchdog.stalled()
                            ? new IOException("no data for " + idleTimeout.toMillis() + " ms", e) : e;
                    log().log(Level.INFO, "{0}: body failed after {1} bytes: {2}", uri, ingest.written(), e.toString());
                    return false;
                }
                if (n < 0) {
                    return true;
                }
                // Writing past the expected size throws ContentException: never retried, it is the content.
                watchdog.progressed();
                ingest.write(buffer, 0, n);
                progress.accept(ingest.written());
            }
        } finally {
            watchdog.stop();
            HttpTransport.discard(response);
        }
    }

    private void restart() throws IOException {
        ingest.abort();
        ingest = store.begin(descriptor.digest(), descriptor.size());
        progress.accept(0);
    }

    /** The first byte position of a 206's Content-Range, or -1 if absent or malformed. */
    private static long rangeStart(HttpResponse<InputStream> response) {
        String value = response.headers().firstValue("Content-Range").orElse("");
        Matcher m = Patterns.CONTENT_RANGE.matcher(value.strip());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private RegistryException incomplete(int attempts) {
        return RegistryException.incomplete("GET", uri, "blob " + descriptor.digest() + " incomplete: got "
                + ingest.written() + " of " + descriptor.size() + " bytes after " + attempts + " attempts"
                + (lastBodyError == null ? " (body ended early)" : " (last error: " + lastBodyError + ")"), lastBodyError);
    }
}
