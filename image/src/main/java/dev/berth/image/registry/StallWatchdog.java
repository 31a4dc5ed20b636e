package dev.berth.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Closes a response body that has delivered nothing for {@code idleTimeout}. HttpClient's request
 * timeout only covers the wait for the headers; a connection that silently dies mid-body (no FIN, no
 * RST, e.g. a NAT entry dropped) would otherwise block the reader forever. Closing the JDK's
 * response stream wakes a blocked read with an IOException ("closed"), which the download treats
 * like any broken connection: it resumes with a Range request.
 */
final class StallWatchdog {
    private final InputStream body;
    private final long idleNanos;
    private final Thread thread;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;
    private volatile boolean stopped;

    StallWatchdog(InputStream body, Duration idleTimeout) {
        this.body = body;
        this.idleNanos = idleTimeout.toNanos();
        this.thread = Thread.ofVirtual().name("berth-stall-watchdog").start(this::watch);
    }

    void progressed() {
        lastProgress = System.nanoTime();
    }

    /** True if the watchdog closed the body. */
    boolean stalled() {
        return stalled;
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    private void watch() {
        while (!stopped) {
            long idle = System.nanoTime() - lastProgress;
            if (idle >= idleNanos) {
                stalled = true;
                try {
                    body.close();
                } catch (IOException ignored) {
                    // The reader gets its own IOException; nothing to add here.
                }
                return;
            }
            LockSupport.parkNanos(idleNanos - idle);
        }
    }
}
