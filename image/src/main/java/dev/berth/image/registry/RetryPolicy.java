package dev.berth.image.registry;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently a request is repeated. Delays grow exponentially from {@code baseDelay}
 * up to {@code maxDelay}, and each is "equal jitter" (half fixed, half random) so that parallel
 * downloads that failed together do not all come back at the same instant.
 *
 * @param maxAttempts total tries per request, including the first (at least 1)
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(10));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry: maxAttempts " + maxAttempts + " < 1");
        }
        if (baseDelay.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("retry: negative delay");
        }
    }

    /**
     * 429 Too Many Requests and the 5xx statuses that describe a transient server or gateway state.
     * 4xx answers like 400/401/403/404 are decisions: asking again cannot change them.
     */
    static boolean isRetryableStatus(int status) {
        return status == 429 || (status >= 500 && status <= 504);
    }

    /** The delay before attempt {@code failedAttempts + 1}, at least {@code floor} (Retry-After). */
    Duration delayAfter(int failedAttempts, Duration floor) {
        long base = baseDelay.toMillis();
        int shift = Math.min(failedAttempts - 1, 30);
        long exponential = base <= 0 ? 0 : Math.min(maxDelay.toMillis(), base << shift);
        if (base > 0 && exponential < 0) {
            exponential = maxDelay.toMillis(); // overflow
        }
        long half = exponential / 2;
        long jittered = half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0);
        long floorMillis = Math.min(floor.toMillis(), maxDelay.toMillis());
        return Duration.ofMillis(Math.max(jittered, floorMillis));
    }

    /** Sleeps {@link #delayAfter}; an interrupt (a cancelled download) ends the wait as an I/O error. */
    void pause(int failedAttempts, Duration floor) throws InterruptedIOException {
        Duration d = delayAfter(failedAttempts, floor);
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException io = new InterruptedIOException("interrupted while waiting to retry");
            io.initCause(e);
            throw io;
        }
    }
}
