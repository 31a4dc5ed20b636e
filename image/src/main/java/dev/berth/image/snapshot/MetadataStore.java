package dev.berth.image.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * metadata.json of a snapshotter root, shared by every berth process using that root (a CLI pull
 * while the daemon runs): each read-modify-write holds an exclusive fcntl lock on {@code
 * root/lock} (FileChannel.lock), and the file is replaced by rename(2), so a reader never sees
 * half of it.
 *
 * <p>A JVM holds a file lock per process, not per thread: a second FileChannel.lock on the same
 * file from this JVM throws OverlappingFileLockException. So threads of one JVM first queue on an
 * in-process lock per root.
 */
final class MetadataStore {
    /** Work done under the lock on the current table. */
    interface Transaction<T> {
        T run(SnapshotMetadata metadata) throws IOException;
    }

    private static final class InProcess {
        static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    }

    private final String driver;
    private final Path file;
    private final Path lockFile;
    private final ReentrantLock inProcess;

    /** {@code driver} names the snapshotter; a root laid out by another one is refused. */
    MetadataStore(Path root, String driver) throws IOException {
        Path real = root.toRealPath();
        this.driver = driver;
        this.file = real.resolve("metadata.json");
        this.lockFile = real.resolve("lock");
        this.inProcess = InProcess.LOCKS.computeIfAbsent(real, r -> new ReentrantLock());
    }

    /** Runs {@code tx} under the lock, then writes the table back atomically. */
    <T> T update(Transaction<T> tx) throws IOException {
        return locked(tx, true);
    }

    /** Runs {@code tx} under the lock on a table that is not written back. */
    <T> T read(Transaction<T> tx) throws IOException {
        return locked(tx, false);
    }

    private <T> T locked(Transaction<T> tx, boolean write) throws IOException {
        if (inProcess.isHeldByCurrentThread()) {
            throw new IllegalStateException("nested snapshot metadata transaction on " + file);
        }
        inProcess.lock();
        // Closing the channel releases the lock (FileLock javadoc).
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            lockChannel.lock();
            SnapshotMetadata metadata = load();
            // An overlay snapshot's fs holds only its layer, a copy snapshot's the whole tree:
            // mounting one kind's directories as the other would show a wrong root filesystem.
            if (metadata.driver() != null && !metadata.driver().equals(driver)) {
                throw new SnapshotException(file + ": the snapshots here are " + metadata.driver()
                        + " snapshots; a " + driver + " snapshotter cannot use them");
            }
            metadata.driver(driver);
            T result = tx.run(metadata);
            if (write) {
                store(metadata);
            }
            return result;
        } finally {
            inProcess.unlock();
        }
    }

    private SnapshotMetadata load() throws IOException {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException fresh) {
            return new SnapshotMetadata();
        }
        return SnapshotMetadata.read(data, file.toString());
    }

    /**
     * Temp file, fsync, rename over, fsync the directory: the rename is durable only then
     * (fsync(2)). Throws only if the table was not replaced.
     */
    private void store(SnapshotMetadata metadata) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                metadata.write(out);
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        // The new table is in place: from here on the change has happened, so a failing
        // directory fsync is reported but does not fail the operation (whose caller would
        // otherwise undo work the table already records).
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            System.getLogger(MetadataStore.class.getName()).log(System.Logger.Level.WARNING,
                    "fsync of {0} after replacing {1} failed: {2}", file.getParent(), file.getFileName(), e);
        }
    }
}
