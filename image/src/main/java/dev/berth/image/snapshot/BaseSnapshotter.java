package dev.berth.image.snapshot;

import dev.berth.image.snapshot.SnapshotInfo.Kind;
import dev.berth.image.snapshot.SnapshotMetadata.Entry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the overlay and copy snapshotters share: the metadata table, ids and directories
 * ({@code root/snapshots/<id>}, short numeric ids as containerd uses, which keep overlay's
 * lowerdir strings short), and the rules of prepare/commit/remove/gc.
 *
 * <p>A new snapshot is filled in {@code snapshots/new-<random>} outside the lock (a copy may take
 * long), then renamed to its id and recorded in one locked step; removal takes it out of the
 * table first, then renames it to {@code rm-<id>} and deletes it. So under the lock every numeric
 * directory is in the table, and anything else is a crash's leftover that gc sweeps.
 */
abstract sealed class BaseSnapshotter implements Snapshotter permits OverlaySnapshotter, CopySnapshotter {
    private static final String NEW_PREFIX = "new-";
    private static final String REMOVING_PREFIX = "rm-";
    /** A new-* directory this old belongs to no running prepare: prepare fills it in seconds. */
    private static final Duration STALE_NEW_DIRECTORY = Duration.ofHours(1);

    private final Path snapshots;
    private final MetadataStore metadata;

    BaseSnapshotter(Path root, String driver) throws IOException {
        Files.createDirectories(root.resolve("snapshots"));
        Path real = root.toRealPath();
        this.snapshots = real.resolve("snapshots");
        this.metadata = new MetadataStore(real, driver);
    }

    /**
     * Fills {@code directory} (empty, new) for a snapshot of {@code kind} on top of
     * {@code parentChain}: the directories of the parent and its ancestors, parent first.
     */
    abstract void populate(Path directory, Kind kind, List<Path> parentChain) throws IOException;

    /** The mounts of the snapshot in {@code directory}; {@code parentChain} as for populate. */
    abstract List<MountSpec> mounts(Path directory, Kind kind, List<Path> parentChain);

    @Override
    public List<MountSpec> prepare(String key, Optional<String> parent) throws IOException {
        return create(key, Kind.ACTIVE, parent.orElse(null));
    }

    @Override
    public List<MountSpec> view(String key, String parent) throws IOException {
        if (parent == null) {
            throw new IllegalArgumentException("view '" + key + "': a view needs a committed parent");
        }
        return create(key, Kind.VIEW, parent);
    }

    private List<MountSpec> create(String key, Kind kind, String parent) throws IOException {
        checkKey(key);
        // Checked here for an early, clear error, and again when the snapshot is recorded.
        List<Path> chain = metadata.read(m -> {
            requireAbsent(m, key);
            return parentChain(m, key, parent);
        });
        Path fresh = snapshots.resolve(NEW_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Files.createDirectory(fresh);
        Path[] recorded = new Path[1];
        try {
            populate(fresh, kind, chain);
            return metadata.update(m -> {
                requireAbsent(m, key);
                // Ids are never reused, so an unchanged chain of directories is an unchanged parent.
                List<Path> now = parentChain(m, key, parent);
                if (!now.equals(chain)) {
                    throw new SnapshotException("prepare '" + key + "': parent '" + parent + "' changed meanwhile");
                }
                long id = m.allocateId();
                recorded[0] = directory(id);
                Files.move(fresh, recorded[0], StandardCopyOption.ATOMIC_MOVE);
                m.put(key, new Entry(id, kind, parent, Instant.now()));
                return mounts(recorded[0], kind, chain);
            });
        } catch (IOException | RuntimeException e) {
            // The table was not written (MetadataStore writes only after the transaction), so
            // neither directory belongs to a snapshot.
            deleteQuietly(fresh, e);
            if (recorded[0] != null) {
                deleteQuietly(recorded[0], e);
            }
            throw e;
        }
    }

    /**
     * A staged layer lives in {@code snapshots/new-<random>/fs} until it is committed: the same
     * new-* directory a prepare fills, so a crash's leftovers are swept by gc in the same way.
     */
    Path newStagingDirectory() throws IOException {
        Path fresh = snapshots.resolve(NEW_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Files.createDirectory(fresh);
        try {
            return Files.createDirectory(fresh.resolve("fs"));
        } catch (IOException | RuntimeException e) {
            deleteQuietly(fresh, e);
            throw e;
        }
    }

    /** Records a staged directory (from {@link #newStagingDirectory}) as a committed snapshot. */
    void recordStaged(String name, Optional<String> parent, Path staged) throws IOException {
        checkKey(name);
        Path fresh = staged.getParent();
        if (!staged.getFileName().toString().equals("fs") || !fresh.getParent().equals(snapshots)
                || !fresh.getFileName().toString().startsWith(NEW_PREFIX)) {
            throw new IllegalArgumentException("commit '" + name + "': " + staged + " was not staged here");
        }
        Path[] moved = new Path[1];
        try {
            metadata.update(m -> {
                requireAbsent(m, name);
                parentChain(m, name, parent.orElse(null));
                long id = m.allocateId();
                moved[0] = directory(id);
                Files.move(fresh, moved[0], StandardCopyOption.ATOMIC_MOVE);
                m.put(name, new Entry(id, Kind.COMMITTED, parent.orElse(null), Instant.now()));
                return null;
            });
        } catch (IOException | RuntimeException e) {
            // Not recorded (the table is written only after the transaction): the moved directory
            // belongs to no snapshot. The staged one is gone with it; discardStaged then does nothing.
            if (moved[0] != null) {
                deleteQuietly(moved[0], e);
            }
            throw e;
        }
    }

    /** The fs directories of committed {@code key} and its ancestors, top first. */
    List<Path> chainDirectories(String key) throws IOException {
        return metadata.read(m -> {
            Entry entry = require(m, key);
            if (entry.kind() != Kind.COMMITTED) {
                throw new SnapshotException("snapshot '" + key + "' is " + entry.kind() + ", not committed");
            }
            List<Path> dirs = new ArrayList<>();
            dirs.add(directory(entry.id()).resolve("fs"));
            for (Path parent : parentChain(m, key, entry.parent())) {
                dirs.add(parent.resolve("fs"));
            }
            return dirs;
        });
    }

    /** Deletes a staged directory and its new-* parent. */
    void deleteStaged(Path staged) throws IOException {
        if (Files.exists(staged.getParent())) {
            delete(staged.getParent());
        }
    }

    @Override
    public List<MountSpec> mounts(String key) throws IOException {
        return metadata.read(m -> {
            Entry entry = require(m, key);
            return mounts(directory(entry.id()), entry.kind(), parentChain(m, key, entry.parent()));
        });
    }

    @Override
    public void commit(String name, String key) throws IOException {
        checkKey(name);
        metadata.update(m -> {
            Entry entry = require(m, key);
            if (entry.kind() != Kind.ACTIVE) {
                throw new SnapshotException("commit '" + key + "' as '" + name + "': only an active snapshot can be"
                        + " committed; it is " + entry.kind());
            }
            if (m.get(name) != null) {
                throw new SnapshotExistsException(name);
            }
            m.remove(key);
            m.put(name, new Entry(entry.id(), Kind.COMMITTED, entry.parent(), entry.created()));
            return null;
        });
    }

    @Override
    public void remove(String key) throws IOException {
        Path directory = metadata.update(m -> {
            Entry entry = require(m, key);
            List<String> children = m.children(key);
            if (!children.isEmpty()) {
                throw new SnapshotException("remove '" + key + "': it is the parent of " + children
                        + "; remove those first");
            }
            m.remove(key);
            return directory(entry.id());
        });
        delete(directory);
    }

    @Override
    public Optional<SnapshotInfo> stat(String key) throws IOException {
        return metadata.read(m -> Optional.ofNullable(m.get(key)).map(e -> info(key, e)));
    }

    @Override
    public List<SnapshotInfo> list() throws IOException {
        return metadata.read(m -> m.entries().entrySet().stream().map(e -> info(e.getKey(), e.getValue())).toList());
    }

    @Override
    public Path unpackDirectory(String key) throws IOException {
        return metadata.read(m -> {
            Entry entry = require(m, key);
            if (entry.kind() != Kind.ACTIVE) {
                throw new SnapshotException("snapshot '" + key + "' is " + entry.kind() + ", not active: nothing"
                        + " may be unpacked into it");
            }
            return directory(entry.id()).resolve("fs");
        });
    }

    @Override
    public Usage usage(String key) throws IOException {
        Path fs = metadata.read(m -> directory(require(m, key).id()).resolve("fs"));
        try {
            return TreeCopier.usage(fs);
        } catch (NoSuchFileException gone) {
            throw new SnapshotException("usage of '" + key + "': " + gone.getFile() + " vanished (removed meanwhile?)",
                    gone);
        }
    }

    @Override
    public Set<String> gc(Set<String> keepCommitted) throws IOException {
        List<Path> doomed = new ArrayList<>();
        Set<String> removed = metadata.update(m -> {
            Set<String> reachable = new HashSet<>();
            for (Map.Entry<String, Entry> e : m.entries().entrySet()) {
                if (e.getValue().kind() != Kind.COMMITTED || keepCommitted.contains(e.getKey())) {
                    addWithAncestors(m, e.getKey(), reachable);
                }
            }
            Set<String> unreachable = new TreeSet<>();
            for (Map.Entry<String, Entry> e : m.entries().entrySet()) {
                if (!reachable.contains(e.getKey())) {
                    unreachable.add(e.getKey());
                    doomed.add(directory(e.getValue().id()));
                }
            }
            unreachable.forEach(m::remove);
            doomed.addAll(leftovers(m));
            return unreachable;
        });
        for (Path directory : doomed) {
            delete(directory);
        }
        return removed;
    }

    /** Directories no snapshot owns: orphans of a crash between rename and metadata write, rm-*, stale new-*. */
    private List<Path> leftovers(SnapshotMetadata m) throws IOException {
        Set<String> owned = new HashSet<>();
        m.entries().values().forEach(e -> owned.add(Long.toString(e.id())));
        FileTime staleBefore = FileTime.from(Instant.now().minus(STALE_NEW_DIRECTORY));
        List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(snapshots)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                boolean orphan = name.chars().allMatch(Character::isDigit) && !owned.contains(name);
                boolean stale = name.startsWith(NEW_PREFIX) && modifiedBefore(p, staleBefore);
                if (orphan || stale || name.startsWith(REMOVING_PREFIX)) {
                    leftovers.add(p);
                }
            }
        }
        return leftovers;
    }

    private static boolean modifiedBefore(Path p, FileTime cutoff) throws IOException {
        try {
            return Files.getLastModifiedTime(p).compareTo(cutoff) < 0;
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    private static void addWithAncestors(SnapshotMetadata m, String key, Set<String> into) {
        for (String k = key; k != null && into.add(k); ) {
            Entry e = m.get(k);
            k = e == null ? null : e.parent();
        }
    }

    /** The directories of {@code parent} and its ancestors, parent first; empty for no parent. */
    private List<Path> parentChain(SnapshotMetadata m, String key, String parent) throws SnapshotException {
        List<Path> chain = new ArrayList<>();
        for (String k = parent; k != null; ) {
            Entry e = m.get(k);
            if (e == null) {
                throw new SnapshotException("snapshot '" + key + "': parent '" + k + "' does not exist");
            }
            if (e.kind() != Kind.COMMITTED) {
                throw new SnapshotException("snapshot '" + key + "': parent '" + k + "' is " + e.kind()
                        + ", not committed");
            }
            if (chain.size() > m.entries().size()) {
                throw new SnapshotException("snapshot '" + key + "': parent chain loops at '" + k + "'");
            }
            chain.add(directory(e.id()));
            k = e.parent();
        }
        return chain;
    }

    private Path directory(long id) {
        return snapshots.resolve(Long.toString(id));
    }

    private SnapshotInfo info(String key, Entry e) {
        return new SnapshotInfo(key, e.kind(), Optional.ofNullable(e.parent()), e.created(), directory(e.id()));
    }

    private static Entry require(SnapshotMetadata m, String key) throws SnapshotException {
        Entry entry = m.get(key);
        if (entry == null) {
            throw new SnapshotException("snapshot '" + key + "' does not exist");
        }
        return entry;
    }

    private static void requireAbsent(SnapshotMetadata m, String key) throws SnapshotExistsException {
        if (m.get(key) != null) {
            throw new SnapshotExistsException(key);
        }
    }

    private static void checkKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("snapshot key must not be blank: '" + key + "'");
        }
    }

    /** Renames a directory no snapshot owns any more out of the numeric namespace, then deletes it. */
    private void delete(Path directory) throws IOException {
        Path removing = directory;
        String name = directory.getFileName().toString();
        if (!name.startsWith(REMOVING_PREFIX)) {
            removing = snapshots.resolve(REMOVING_PREFIX + name);
            try {
                Files.move(directory, removing, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException gone) {
                return;
            }
        }
        try {
            TreeCopier.deleteTree(removing);
        } catch (IOException e) {
            throw new SnapshotException("snapshot directory " + directory + " is no longer used but could not be"
                    + " deleted (gc will retry): " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path directory, Exception failure) {
        try {
            TreeCopier.deleteTree(directory);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
