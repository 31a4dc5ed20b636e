package dev.berth.image.snapshot;

import dev.berth.image.layer.DeviceHandling;
import dev.berth.image.layer.LayerUnpacker;
import dev.berth.image.layer.UnpackResult;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Manifest;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Unpacks an image's layers into committed snapshots named by chain id (containerd's
 * rootfs.ApplyLayers): a layer whose chain is committed already is skipped, so images sharing a
 * base share its snapshots and a second pull of the same image unpacks nothing.
 *
 * <p>Each layer is extracted into an active snapshot with a unique key, verified against the
 * image config's diff_id, then committed under its chain id. Any failure removes the active
 * snapshot. Two concurrent applies of one image race only at commit, where the loser finds the
 * name taken, drops its own copy and continues on the winner's.
 */
public final class LayerApplier {
    /** Layers unpacked at once: file creation is kernel CPU time, so one per core (at least two). */
    static final int PARALLELISM = Math.max(2, Runtime.getRuntime().availableProcessors());

    /** Progress of {@link #apply}; both methods default to nothing. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** Layer {@code index}'s chain was committed already. */
        default void skipped(int index, Digest chainId) {
        }

        /** Layer {@code index} was unpacked and verified (and committed, by this call or a concurrent one). */
        default void applied(int index, Digest chainId, UnpackResult result) {
        }
    }

    private LayerApplier() {
    }

    /**
     * Applies {@code manifest}'s layers, bottom first.
     *
     * @param diffIds the image config's rootfs.diff_ids, one per layer
     * @return the chain id of the top layer: the committed snapshot to prepare a container from
     * @throws DiffIdMismatchException a layer's uncompressed digest is not its diff_id
     */
    public static Digest apply(ContentStore store, Manifest manifest, List<Digest> diffIds, Snapshotter snapshotter,
            Listener listener) throws IOException {
        List<Descriptor> layers = manifest.layers();
        if (layers.isEmpty() || layers.size() != diffIds.size()) {
            throw new SnapshotException("image has " + layers.size() + " layers but its config lists "
                    + diffIds.size() + " diff_ids");
        }
        List<Digest> chainIds = ChainIds.of(diffIds);
        if (snapshotter.canStage()) {
            return applyStaged(store, layers, diffIds, chainIds, snapshotter, listener);
        }
        String parent = null;
        for (int i = 0; i < layers.size(); i++) {
            String name = chainIds.get(i).toString();
            if (isCommitted(snapshotter, name)) {
                listener.skipped(i, chainIds.get(i));
            } else {
                UnpackResult result = applyLayer(store, layers.get(i), i, diffIds.get(i), name, parent, snapshotter);
                listener.applied(i, chainIds.get(i), result);
            }
            parent = name;
        }
        return chainIds.getLast();
    }

    /** A layer unpacked into a staging directory, not yet a snapshot. */
    private record Staged(Path directory, UnpackResult result) {
    }

    /**
     * Unpacks the missing layers in parallel, each into its own staging directory, and commits them
     * in order, each on its parent. Creating files is the cost of an unpack (a few hundred
     * microseconds of kernel time per file on ext4 here) and layers do not depend on one another in
     * overlay form, so this runs as many layers at once as there are cores. Listener calls come from
     * this thread, in layer order.
     */
    private static Digest applyStaged(ContentStore store, List<Descriptor> layers, List<Digest> diffIds,
            List<Digest> chainIds, Snapshotter snapshotter, Listener listener) throws IOException {
        List<Future<Staged>> futures = new ArrayList<>();
        int missing = 0;
        for (Digest chainId : chainIds) {
            missing += isCommitted(snapshotter, chainId.toString()) ? 0 : 1;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(missing, PARALLELISM)),
                Thread.ofPlatform().name("berth-unpack-", 0).daemon().factory());
        List<Path> uncommitted = new ArrayList<>();
        try {
            for (int i = 0; i < layers.size(); i++) {
                int index = i;
                futures.add(isCommitted(snapshotter, chainIds.get(i).toString()) ? null
                        : pool.submit(() -> stage(store, layers.get(index), index, diffIds.get(index), snapshotter)));
            }
            String parent = null;
            for (int i = 0; i < layers.size(); i++) {
                String name = chainIds.get(i).toString();
                if (futures.get(i) == null) {
                    listener.skipped(i, chainIds.get(i));
                } else {
                    Staged staged = await(futures.get(i));
                    try {
                        snapshotter.commitStaged(name, Optional.ofNullable(parent), staged.directory());
                    } catch (SnapshotExistsException committedConcurrently) {
                        // Another apply committed the same chain meanwhile: theirs is as good.
                        snapshotter.discardStaged(staged.directory());
                    }
                    futures.set(i, null);
                    listener.applied(i, chainIds.get(i), staged.result());
                }
                parent = name;
            }
            return chainIds.getLast();
        } finally {
            pool.shutdownNow();
            awaitQuietly(pool);
            // Layers staged but not committed (a later or earlier one failed): nothing stays behind.
            for (Future<Staged> f : futures) {
                if (f != null && f.state() == Future.State.SUCCESS) {
                    uncommitted.add(f.resultNow().directory());
                }
            }
            for (Path dir : uncommitted) {
                discardQuietly(snapshotter, dir);
            }
        }
    }

    private static Staged stage(ContentStore store, Descriptor layer, int index, Digest diffId, Snapshotter snapshotter)
            throws IOException {
        Path directory = snapshotter.stage();
        try {
            UnpackResult result;
            try (InputStream blob = store.open(layer.digest())) {
                result = LayerUnpacker.unpack(blob, directory, snapshotter.unpackMode(), DeviceHandling.CREATE);
            }
            if (!result.diffId().equals(diffId)) {
                throw new DiffIdMismatchException(index, layer.digest(), diffId, result.diffId());
            }
            return new Staged(directory, result);
        } catch (SnapshotException e) {
            discardQuietly(snapshotter, directory);
            throw e;
        } catch (IOException | RuntimeException e) {
            discardQuietly(snapshotter, directory);
            throw new SnapshotException("layer " + index + " (blob " + layer.digest() + "): " + e.getMessage(), e);
        }
    }

    private static Staged await(Future<Staged> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SnapshotException("interrupted while unpacking layers", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new SnapshotException("unpacking a layer failed: " + e.getCause(), e.getCause());
        }
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            // Unpacking is file I/O that an interrupt does not stop; it ends at the next entry's error.
            pool.awaitTermination(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void discardQuietly(Snapshotter snapshotter, Path staged) {
        try {
            snapshotter.discardStaged(staged);
        } catch (IOException | RuntimeException e) {
            System.getLogger(LayerApplier.class.getName()).log(System.Logger.Level.WARNING,
                    "could not remove the staged layer {0}: {1}", staged, e.getMessage());
        }
    }

    private static boolean isCommitted(Snapshotter snapshotter, String name) throws IOException {
        Optional<SnapshotInfo> existing = snapshotter.stat(name);
        return existing.isPresent() && existing.get().kind() == SnapshotInfo.Kind.COMMITTED;
    }

    private static UnpackResult applyLayer(ContentStore store, Descriptor layer, int index, Digest diffId, String name,
            String parent, Snapshotter snapshotter) throws IOException {
        String key = "extract-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-" + name;
        snapshotter.prepare(key, Optional.ofNullable(parent));
        boolean keep = false;
        try {
            UnpackResult result;
            try (InputStream blob = store.open(layer.digest())) {
                result = LayerUnpacker.unpack(blob, snapshotter.unpackDirectory(key), snapshotter.unpackMode(),
                        DeviceHandling.CREATE);
            }
            if (!result.diffId().equals(diffId)) {
                throw new DiffIdMismatchException(index, layer.digest(), diffId, result.diffId());
            }
            try {
                snapshotter.commit(name, key);
                keep = true;
            } catch (SnapshotExistsException committedConcurrently) {
                // Another apply committed the same chain while this one unpacked: theirs is as good.
            }
            return result;
        } catch (SnapshotException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // LayerException, SyscallException, ...: say which layer they come from.
            throw new SnapshotException("layer " + index + " (blob " + layer.digest() + "): " + e.getMessage(), e);
        } finally {
            if (!keep) {
                removeQuietly(snapshotter, key);
            }
        }
    }

    private static void removeQuietly(Snapshotter snapshotter, String key) {
        try {
            snapshotter.remove(key);
        } catch (IOException | RuntimeException e) {
            System.getLogger(LayerApplier.class.getName()).log(System.Logger.Level.WARNING,
                    "could not remove the unfinished snapshot {0}: {1}", key, e.getMessage());
        }
    }
}
