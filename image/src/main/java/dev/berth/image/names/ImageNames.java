package dev.berth.image.names;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.store.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Image names ({@code docker.io/library/busybox:latest}) mapped to the descriptor of what they name
 * (a manifest or an index in the content store), like containerd's image metadata. The whole table
 * is one small JSON file, {@code root/images.json}: rewritten to a temporary file and renamed over
 * the old one (rename(2) is atomic), so a reader sees the old or the new table, never half of one.
 * Changes take an exclusive lock on {@code root/images.lock} (fcntl record lock through
 * FileChannel.lock) because a CLI pull and a daemon may update the table at the same time.
 */
public final class ImageNames {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Map<Path, Object> THREAD_LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Path lockFile;

    public ImageNames(Path root) throws IOException {
        Files.createDirectories(root);
        this.file = root.resolve("images.json");
        this.lockFile = root.resolve("images.lock");
    }

    /** Every name, sorted. */
    public List<ImageRecord> list() throws IOException {
        return List.copyOf(read().values());
    }

    public Optional<ImageRecord> get(String name) throws IOException {
        return Optional.ofNullable(read().get(name));
    }

    /** The names that point at {@code digest}. */
    public List<ImageRecord> byDigest(Digest digest) throws IOException {
        return read().values().stream().filter(r -> r.target().digest().equals(digest)).toList();
    }

    /** Points {@code name} at {@code target}; returns the record it replaced, if any. */
    public Optional<ImageRecord> put(String name, Descriptor target) throws IOException {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("image name is empty");
        }
        Instant now = Instant.now();
        ImageRecord[] old = new ImageRecord[1];
        update(table -> {
            old[0] = table.get(name);
            Instant created = old[0] != null && old[0].target().digest().equals(target.digest())
                    ? old[0].created() : now;
            table.put(name, new ImageRecord(name, target, created, now));
            return table;
        });
        return Optional.ofNullable(old[0]);
    }

    /** Removes {@code name}; returns what it pointed at, empty if there was no such name. */
    public Optional<ImageRecord> remove(String name) throws IOException {
        ImageRecord[] removed = new ImageRecord[1];
        update(table -> {
            removed[0] = table.remove(name);
            return table;
        });
        return Optional.ofNullable(removed[0]);
    }

    private void update(UnaryOperator<TreeMap<String, ImageRecord>> change) throws IOException {
        // A FileLock is held per process: a second thread asking for it gets
        // OverlappingFileLockException, so threads of one JVM queue on a lock object first.
        synchronized (THREAD_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), k -> new Object())) {
            updateLocked(change);
        }
    }

    private void updateLocked(UnaryOperator<TreeMap<String, ImageRecord>> change) throws IOException {
        try (FileChannel lock = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = lock.lock()) {
            write(change.apply(read()));
        }
    }

    private TreeMap<String, ImageRecord> read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException none) {
            return new TreeMap<>();
        }
        try (JsonParser p = JSON.createParser(bytes)) {
            return ImageRecordJson.readTable(p, file);
        }
    }

    private void write(Map<String, ImageRecord> table) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            ImageRecordJson.writeTable(g, new ArrayList<>(table.values()));
        }
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(out.toByteArray()));
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(file + ": rename(2) not atomic here", e);
        }
    }
}
