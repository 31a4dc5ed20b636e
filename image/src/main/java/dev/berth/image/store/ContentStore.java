package dev.berth.image.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A content-addressed blob store laid out like containerd's: {@code root/blobs/<alg>/<hex>} holds
 * verified blobs, {@code root/ingest/} holds writes in progress. Blobs are immutable once published.
 */
public final class ContentStore {
    /**
     * Ingest files not owned by this instance are only collected once this old, so that another
     * process sharing the root (e.g. a CLI pull while the daemon runs gc) keeps its write.
     */
    public static final Duration STALE_INGEST_AGE = Duration.ofMinutes(10);

    private final Path root;
    private final Path blobs;
    private final Path ingest;
    private final Set<Path> liveIngests = ConcurrentHashMap.newKeySet();

    public ContentStore(Path root) throws IOException {
        this.root = root;
        this.blobs = root.resolve("blobs");
        this.ingest = root.resolve("ingest");
        Files.createDirectories(blobs);
        Files.createDirectories(ingest);
    }

    public Path root() {
        return root;
    }

    /** Where the blob lives (whether or not it exists). */
    public Path path(Digest digest) {
        return blobs.resolve(digest.algorithm()).resolve(digest.hex());
    }

    public boolean contains(Digest digest) {
        return Files.isRegularFile(path(digest));
    }

    public InputStream open(Digest digest) throws IOException {
        try {
            return Files.newInputStream(path(digest));
        } catch (NoSuchFileException e) {
            throw notFound(digest, e);
        }
    }

    public long size(Digest digest) throws IOException {
        try {
            return Files.size(path(digest));
        } catch (NoSuchFileException e) {
            throw notFound(digest, e);
        }
    }

    public void delete(Digest digest) throws IOException {
        if (!Files.deleteIfExists(path(digest))) {
            throw notFound(digest, null);
        }
    }

    /**
     * Starts writing a blob. {@code expectedSize} may be -1 when unknown (then only the digest is
     * checked). The caller must {@link Ingest#commit()} or close the returned ingest.
     */
    public Ingest begin(Digest expected, long expectedSize) throws IOException {
        if (expectedSize < -1) {
            throw new IllegalArgumentException(expected + ": expectedSize " + expectedSize + " < -1");
        }
        Path file = Files.createTempFile(ingest, expected.hex().substring(0, 12) + "-", ".part");
        liveIngests.add(file);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
            return new Ingest(this, expected, expectedSize, file, channel);
        } catch (IOException | RuntimeException e) {
            liveIngests.remove(file);
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** All blobs present; files whose names are not valid digests are ignored. */
    public Set<Digest> list() throws IOException {
        Set<Digest> found = new HashSet<>();
        try (DirectoryStream<Path> algDirs = Files.newDirectoryStream(blobs, Files::isDirectory)) {
            for (Path algDir : algDirs) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(algDir, Files::isRegularFile)) {
                    for (Path f : files) {
                        try {
                            found.add(new Digest(algDir.getFileName().toString(), f.getFileName().toString()));
                        } catch (IllegalArgumentException notADigest) {
                            // Not ours (stray file); gc must not guess, so it is left alone.
                        }
                    }
                }
            }
        }
        return found;
    }

    /**
     * Removes every blob not in {@code keep}, and ingest files that no live {@link Ingest} of this
     * store owns and that are older than {@link #STALE_INGEST_AGE}.
     */
    public GcResult gc(Set<Digest> keep) throws IOException {
        Set<Digest> removedBlobs = new HashSet<>();
        for (Digest d : list()) {
            if (!keep.contains(d) && Files.deleteIfExists(path(d))) {
                removedBlobs.add(d);
            }
        }
        Set<Path> removedIngests = new HashSet<>();
        FileTime cutoff = FileTime.from(Instant.now().minus(STALE_INGEST_AGE));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(ingest)) {
            for (Path f : files) {
                if (liveIngests.contains(f)) {
                    continue;
                }
                if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
                    // A spool directory (docker load): stale only when nothing in it changed lately.
                    if (newestUnder(f).compareTo(cutoff) < 0) {
                        deleteTree(f);
                        removedIngests.add(f);
                    }
                } else if (isOlderThan(f, cutoff) && Files.deleteIfExists(f)) {
                    removedIngests.add(f);
                }
            }
        }
        return new GcResult(removedBlobs, removedIngests);
    }

    /**
     * Publishes a verified, fsynced ingest file as {@code digest}. link(2) rather than rename(2):
     * link fails with EEXIST instead of replacing, so when two pulls race the first blob stays and
     * the loser's copy is simply dropped; readers never see a half-written file either way.
     */
    Path publish(Digest digest, Path ingestFile) throws IOException {
        Path target = path(digest);
        Path algDir = target.getParent();
        Files.createDirectories(algDir);
        try {
            Files.createLink(target, ingestFile);
        } catch (FileAlreadyExistsException alreadyThere) {
            return target;
        }
        // The new directory entry is only durable once the directory itself is fsynced (fsync(2)).
        try (FileChannel dir = FileChannel.open(algDir, StandardOpenOption.READ)) {
            dir.force(true);
        }
        return target;
    }

    void forget(Path ingestFile) {
        liveIngests.remove(ingestFile);
    }

    private static FileTime newestUnder(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            FileTime newest = FileTime.fromMillis(0);
            for (Path f : (Iterable<Path>) files::iterator) {
                FileTime t = Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS);
                if (t.compareTo(newest) > 0) {
                    newest = t;
                }
            }
            return newest;
        } catch (NoSuchFileException | java.io.UncheckedIOException gone) {
            // Being removed by its owner right now: certainly not stale.
            return FileTime.from(Instant.now());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static boolean isOlderThan(Path f, FileTime cutoff) throws IOException {
        try {
            return Files.getLastModifiedTime(f).compareTo(cutoff) < 0;
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    private ContentException notFound(Digest digest, Exception cause) {
        return new ContentException(digest + ": blob not found at " + path(digest), cause);
    }
}
