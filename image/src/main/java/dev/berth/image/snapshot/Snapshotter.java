package dev.berth.image.snapshot;

import dev.berth.image.layer.Mode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Layered filesystem snapshots, as containerd's snapshotters define them: the snapshotter keeps
 * directories and metadata and returns the {@link MountSpec}s that assemble a snapshot; the
 * caller mounts them (see {@link Mounter}). Committed snapshots are immutable and named (by
 * chain id, for image layers); active ones are writable and keyed; views are read-only.
 *
 * <p>Implementations keep their state on disk under a root that several processes may share;
 * every change is atomic: a failed operation leaves no directory or metadata behind.
 */
public interface Snapshotter {

    /**
     * Creates a writable snapshot on top of the committed {@code parent} (or empty).
     *
     * @throws SnapshotExistsException {@code key} is taken
     * @throws SnapshotException       the parent is missing or not committed
     */
    List<MountSpec> prepare(String key, Optional<String> parent) throws IOException;

    /** Creates a read-only view of the committed {@code parent}. */
    List<MountSpec> view(String key, String parent) throws IOException;

    /** The mounts of an existing snapshot of any kind. */
    List<MountSpec> mounts(String key) throws IOException;

    /**
     * Turns the active snapshot {@code key} into the committed snapshot {@code name}; the key is
     * gone afterwards.
     *
     * @throws SnapshotExistsException {@code name} exists already (the active snapshot is kept)
     */
    void commit(String name, String key) throws IOException;

    /** Removes a snapshot and its directory; refuses one that is the parent of others. */
    void remove(String key) throws IOException;

    Optional<SnapshotInfo> stat(String key) throws IOException;

    List<SnapshotInfo> list() throws IOException;

    /** Where a layer is unpacked for the active snapshot {@code key} (overlay: its upper dir). */
    Path unpackDirectory(String key) throws IOException;

    /** How a layer must be unpacked into {@link #unpackDirectory}. */
    Mode unpackMode();

    Usage usage(String key) throws IOException;

    /**
     * Removes every committed snapshot that is neither in {@code keepCommitted}, nor an ancestor of
     * one, nor an ancestor of any active or view snapshot; also sweeps directories that no
     * metadata refers to (left by a crash).
     *
     * @return the keys removed
     */
    Set<String> gc(Set<String> keepCommitted) throws IOException;

    /**
     * True if layers can be unpacked before their parent is committed ({@link #stage}): overlay
     * layers are independent directories, so they can be filled in parallel; a copy snapshot starts
     * as a copy of its parent and cannot.
     */
    default boolean canStage() {
        return false;
    }

    /**
     * A new empty directory, on the snapshotter's file system, to unpack one layer into (in
     * {@link #unpackMode()} form) before it becomes a snapshot with {@link #commitStaged}.
     */
    default Path stage() throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot stage layers");
    }

    /**
     * Makes the {@code staged} directory the committed snapshot {@code name} on top of the committed
     * {@code parent}, in one step. On failure (including {@link SnapshotExistsException} when another
     * process committed {@code name} first) nothing is recorded and the caller still owns
     * {@code staged} (see {@link #discardStaged}).
     */
    default void commitStaged(String name, Optional<String> parent, Path staged) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot stage layers");
    }

    /** Deletes a directory {@link #stage} returned that will not be committed. */
    default void discardStaged(Path staged) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot stage layers");
    }

    /**
     * The directories of the committed snapshot {@code key} and its ancestors, top first, as an
     * overlay mount stacks them: what a layer unpacked in overlay form can copy up from.
     */
    default List<Path> layerDirectories(String key) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no layer directories");
    }
}
