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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

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
            try (LayerStaging staging = new LayerStaging(store, snapshotter, layers, diffIds)) {
                return staging.commit(listener);
            }
        }
        String parent = null;
        for (int i = 0; i < layers.size(); i++) {
            String name = chainIds.get(i).toString();
            if (LayerStaging.isCommitted(snapshotter, name)) {
                listener.skipped(i, chainIds.get(i));
            } else {
                UnpackResult result = applyLayer(store, layers.get(i), i, diffIds.get(i), name, parent, snapshotter);
                listener.applied(i, chainIds.get(i), result);
            }
            parent = name;
        }
        return chainIds.getLast();
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
