package dev.berth.image.registry;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs blob transfers a bounded number at a time; the first failure cancels the others. */
final class Parallel {
    private Parallel() {
    }

    /** A transfer that may fail with an I/O error. */
    @FunctionalInterface
    interface Task {
        void run() throws IOException;
    }

    /**
     * Runs {@code tasks} at most {@code parallelism} at once on virtual threads. On the first failure
     * the others are cancelled (interrupted) and this method still waits for all of them to end
     * before throwing, so nothing a task was writing is left in progress when it returns.
     *
     * @param what names the operation in the thread names and the interruption message
     */
    static void run(int parallelism, String what, List<Task> tasks) throws IOException {
        if (tasks.isEmpty()) {
            return;
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, tasks.size()),
                Thread.ofVirtual().name("berth-" + what + "-", 0).factory())) {
            CompletionService<Void> completion = new ExecutorCompletionService<>(pool);
            List<Future<Void>> futures = new ArrayList<>();
            for (Task t : tasks) {
                futures.add(completion.submit(() -> {
                    t.run();
                    return null;
                }));
            }
            awaitAll(what, completion, futures);
        } // close() waits for every task, the cancelled ones included
    }

    /** Waits in completion order, so the first failure cancels the rest at once. */
    private static void awaitAll(String what, CompletionService<Void> completion, List<Future<Void>> futures)
            throws IOException {
        try {
            for (int i = 0; i < futures.size(); i++) {
                completion.take().get();
            }
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            InterruptedIOException io = new InterruptedIOException(what + ": interrupted");
            io.initCause(e);
            throw io;
        }
    }

    private static IOException rethrow(Throwable cause) {
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IOException(cause);
    }
}
