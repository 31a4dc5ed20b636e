package dev.berth.image.service;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps garbage collection away from work in progress. A pull commits blobs and snapshots before a
 * name points at them, so for a while they are unreferenced; a collection then would delete them
 * under the pull's feet. containerd solves this with leases; berth, whose users are one CLI process
 * or one daemon at a time per root, with a reader-writer lock: transfers (pull, load, import,
 * mount) hold it shared, a collection exclusively.
 *
 * <p>Across processes it is an fcntl lock on {@code root/gc.lock} (FileChannel.lock: shared or
 * exclusive). Inside one JVM those locks are per process and a second request for an overlapping
 * region throws, so threads first go through a ReentrantReadWriteLock, and the file lock is taken
 * by the first shared holder and released by the last.
 */
final class GcLock {
    /** A held lock; closing releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    private static final Map<Path, GcLock> BY_FILE = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantReadWriteLock threads = new ReentrantReadWriteLock();
    private int sharedHolders;
    private FileChannel sharedChannel;

    private GcLock(Path file) {
        this.file = file;
    }

    static GcLock of(Path root) {
        Path file = root.toAbsolutePath().normalize().resolve("gc.lock");
        return BY_FILE.computeIfAbsent(file, GcLock::new);
    }

    /** Held while a transfer makes content that no name reaches yet. */
    Held shared() throws IOException {
        threads.readLock().lock();
        try {
            synchronized (this) {
                if (sharedHolders == 0) {
                    FileChannel channel = open();
                    try {
                        channel.lock(0, Long.MAX_VALUE, true);
                    } catch (IOException | RuntimeException e) {
                        channel.close();
                        throw e;
                    }
                    sharedChannel = channel;
                }
                sharedHolders++;
            }
        } catch (IOException | RuntimeException e) {
            threads.readLock().unlock();
            throw e;
        }
        return this::releaseShared;
    }

    /** Blocks until no transfer runs, here or in another process. */
    Held exclusive() throws IOException {
        threads.writeLock().lock();
        FileChannel channel;
        try {
            channel = open();
            try {
                channel.lock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            threads.writeLock().unlock();
            throw e;
        }
        return () -> {
            try {
                channel.close(); // closing the channel releases its lock
            } finally {
                threads.writeLock().unlock();
            }
        };
    }

    /** The exclusive lock if nothing runs now, else null (the caller skips collecting). */
    Held tryExclusive() throws IOException {
        if (!threads.writeLock().tryLock()) {
            return null;
        }
        try {
            FileChannel channel = open();
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                threads.writeLock().unlock();
                return null;
            }
            return () -> {
                try {
                    channel.close();
                } finally {
                    threads.writeLock().unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            threads.writeLock().unlock();
            throw e;
        }
    }

    private void releaseShared() throws IOException {
        try {
            synchronized (this) {
                if (--sharedHolders == 0) {
                    FileChannel channel = sharedChannel;
                    sharedChannel = null;
                    channel.close();
                }
            }
        } finally {
            threads.readLock().unlock();
        }
    }

    private FileChannel open() throws IOException {
        // fcntl(2): a read (shared) lock needs the file open for reading, a write lock for writing.
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
}
