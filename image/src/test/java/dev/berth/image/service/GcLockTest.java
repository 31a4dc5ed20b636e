package dev.berth.image.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcLockTest {
    @TempDir
    Path root;

    @Test
    void transfersShareTheLockAndKeepCollectionOut() throws Exception {
        GcLock lock = GcLock.of(root);
        try (GcLock.Held first = lock.shared()) {
            // A second transfer in another thread is not held up by the first.
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
                try (GcLock.Held held = lock.shared()) {
                    assertNotNull(held);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            second.get(10, TimeUnit.SECONDS);
            CompletableFuture<GcLock.Held> collector = CompletableFuture.supplyAsync(() -> {
                try {
                    return lock.tryExclusive();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertNull(collector.get(10, TimeUnit.SECONDS), "collection must not start during a transfer");
        }
        try (GcLock.Held collecting = lock.tryExclusive()) {
            assertNotNull(collecting, "with no transfer running, collection may start");
        }
    }

    @Test
    void aBlockingCollectionWaitsForTheTransferToEnd() throws Exception {
        GcLock lock = GcLock.of(root);
        CountDownLatch collected = new CountDownLatch(1);
        Thread collector;
        try (GcLock.Held transfer = lock.shared()) {
            collector = Thread.ofPlatform().start(() -> {
                try (GcLock.Held held = lock.exclusive()) {
                    collected.countDown();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertFalse(collected.await(200, TimeUnit.MILLISECONDS), "collected while a transfer held the lock");
        }
        assertTrue(collected.await(10, TimeUnit.SECONDS));
        collector.join();
    }
}
