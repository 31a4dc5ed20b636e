package dev.berth.image.snapshot;

import dev.berth.image.layer.DeviceHandling;
import dev.berth.image.layer.HardlinkOutsideLayerException;
import dev.berth.image.layer.LayerUnpacker;
import dev.berth.image.layer.UnpackResult;
import dev.berth.image.manifest.Descriptor;
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
import java.util.concurrent.TimeUnit;

/**
 * Unpacks an image's layers in parallel, each into its own staging directory, as soon as each blob
 * is in the store (a pull calls {@link #layerAvailable} while other layers still download), then
 * {@link #commit}s them in order, each on its parent. Only for snapshotters that
 * {@link Snapshotter#canStage}: in overlay form a layer does not depend on the ones below it.
 *
 * <p>Why parallel: creating files is the cost of an unpack (kernel time, a few hundred
 * microseconds per file on this machine's ext4 after large deletions), so one layer per core.
 * {@link #close} cancels what is left and removes every staged directory not committed.
 */
public final class LayerStaging implements AutoCloseable {
    /** Layers unpacked at once: file creation is kernel CPU time, so one per core (at least two). */
    static final int PARALLELISM = Math.max(2, Runtime.getRuntime().availableProcessors());

    /**
     * A layer unpacked into a staging directory, not yet a snapshot; or, with no directory, a layer
     * that links to files of the layers below and is unpacked again once they are committed.
     */
    private record Staged(Path directory, UnpackResult result) {
        static final Staged NEEDS_LOWER_LAYERS = new Staged(null, null);
    }

    private final ContentStore store;
    private final Snapshotter snapshotter;
    private final List<Descriptor> layers;
    private final List<Digest> diffIds;
    private final List<Digest> chainIds;
    private final List<Future<Staged>> futures;
    private final boolean[] committedBefore;
    private final ExecutorService pool;

    /**
     * @throws SnapshotException the image lists a different number of layers and diff IDs
     */
    public LayerStaging(ContentStore store, Snapshotter snapshotter, List<Descriptor> layers, List<Digest> diffIds)
            throws IOException {
        if (!snapshotter.canStage()) {
            throw new IllegalArgumentException(snapshotter.getClass().getSimpleName() + " cannot stage layers");
        }
        if (layers.isEmpty() || layers.size() != diffIds.size()) {
            throw new SnapshotException("image has " + layers.size() + " layers but its config lists "
                    + diffIds.size() + " diff_ids");
        }
        this.store = store;
        this.snapshotter = snapshotter;
        this.layers = List.copyOf(layers);
        this.diffIds = List.copyOf(diffIds);
        this.chainIds = ChainIds.of(diffIds);
        this.futures = new ArrayList<>();
        this.committedBefore = new boolean[layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            futures.add(null);
            committedBefore[i] = isCommitted(snapshotter, chainIds.get(i).toString());
        }
        this.pool = Executors.newFixedThreadPool(PARALLELISM,
                Thread.ofPlatform().name("berth-unpack-", 0).daemon().factory());
    }

    /** The blob {@code digest} is in the store: start unpacking every layer that is that blob. */
    public synchronized void layerAvailable(Digest digest) {
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).digest().equals(digest)) {
                submit(i);
            }
        }
    }

    /**
     * Unpacks what was not started yet, waits for every layer and commits them bottom first.
     * Listener calls come from this thread, in layer order.
     *
     * @return the chain ID of the top layer
     * @throws DiffIdMismatchException a layer's uncompressed digest is not its diff_id
     */
    public Digest commit(LayerApplier.Listener listener) throws IOException {
        synchronized (this) {
            for (int i = 0; i < layers.size(); i++) {
                submit(i);
            }
        }
        String parent = null;
        for (int i = 0; i < layers.size(); i++) {
            String name = chainIds.get(i).toString();
            Future<Staged> future;
            synchronized (this) {
                future = futures.get(i);
            }
            if (future == null) {
                listener.skipped(i, chainIds.get(i));
            } else {
                Staged staged = await(future);
                if (staged == Staged.NEEDS_LOWER_LAYERS) {
                    staged = unpack(i, parent == null ? List.of() : snapshotter.layerDirectories(parent));
                }
                try {
                    snapshotter.commitStaged(name, Optional.ofNullable(parent), staged.directory());
                } catch (SnapshotExistsException committedConcurrently) {
                    // Another apply committed the same chain meanwhile: theirs is as good.
                    snapshotter.discardStaged(staged.directory());
                }
                synchronized (this) {
                    futures.set(i, null);
                }
                listener.applied(i, chainIds.get(i), staged.result());
            }
            parent = name;
        }
        return chainIds.getLast();
    }

    /** Stops what still runs and removes every staged directory that was not committed. */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            // Unpacking is file I/O that an interrupt does not stop; it ends at the next entry's error.
            pool.awaitTermination(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Future<Staged>> left;
        synchronized (this) {
            left = new ArrayList<>(futures);
        }
        for (Future<Staged> f : left) {
            if (f != null && f.state() == Future.State.SUCCESS && f.resultNow().directory() != null) {
                discardQuietly(f.resultNow().directory());
            }
        }
    }

    private void submit(int index) {
        if (committedBefore[index] || futures.get(index) != null || pool.isShutdown()) {
            return;
        }
        futures.set(index, pool.submit(() -> stage(index)));
    }

    private Staged stage(int index) throws IOException {
        try {
            return unpack(index, List.of());
        } catch (SnapshotException e) {
            if (e.getCause() instanceof HardlinkOutsideLayerException) {
                return Staged.NEEDS_LOWER_LAYERS;
            }
            throw e;
        }
    }

    /** Unpacks layer {@code index} into a new staging directory; {@code lowers} for copy-ups. */
    private Staged unpack(int index, List<Path> lowers) throws IOException {
        Descriptor layer = layers.get(index);
        Path directory = snapshotter.stage();
        try {
            UnpackResult result;
            try (InputStream blob = store.open(layer.digest())) {
                result = LayerUnpacker.unpack(blob, directory, snapshotter.unpackMode(), DeviceHandling.CREATE, lowers);
            }
            if (!result.diffId().equals(diffIds.get(index))) {
                throw new DiffIdMismatchException(index, layer.digest(), diffIds.get(index), result.diffId());
            }
            return new Staged(directory, result);
        } catch (SnapshotException e) {
            discardQuietly(directory);
            throw e;
        } catch (IOException | RuntimeException e) {
            discardQuietly(directory);
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

    private void discardQuietly(Path staged) {
        try {
            snapshotter.discardStaged(staged);
        } catch (IOException | RuntimeException e) {
            System.getLogger(LayerStaging.class.getName()).log(System.Logger.Level.WARNING,
                    "could not remove the staged layer {0}: {1}", staged, e.getMessage());
        }
    }

    static boolean isCommitted(Snapshotter snapshotter, String name) throws IOException {
        Optional<SnapshotInfo> existing = snapshotter.stat(name);
        return existing.isPresent() && existing.get().kind() == SnapshotInfo.Kind.COMMITTED;
    }
}
