package dev.berth.image.service;

import dev.berth.image.config.ImageConfigException;
import dev.berth.image.config.ImageConfigReader;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Index;
import dev.berth.image.manifest.Manifest;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.names.ImageNames;
import dev.berth.image.names.ImageRecord;
import dev.berth.image.snapshot.ChainIds;
import dev.berth.image.snapshot.Snapshotter;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import dev.berth.image.store.GcResult;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Mark and sweep, as containerd's garbage collector: the names are the roots; everything a name
 * reaches (index, the manifests of it that are present, their configs and layers) is kept, and so
 * are the snapshots named by the chain IDs of those layers. Snapshots in use by a container
 * (active ones) and their ancestors are kept by the snapshotter itself.
 */
final class ImageGc {
    private final ContentStore store;
    private final ImageNames names;
    private final ImageResolver resolver;
    private final Snapshotter snapshotter;

    ImageGc(ContentStore store, ImageNames names, ImageResolver resolver, Snapshotter snapshotter) {
        this.store = store;
        this.names = names;
        this.resolver = resolver;
        this.snapshotter = snapshotter;
    }

    PruneReport collect() throws IOException {
        Set<Digest> keepBlobs = new HashSet<>();
        Set<String> keepSnapshots = new HashSet<>();
        for (ImageRecord record : names.list()) {
            mark(record.target(), keepBlobs, keepSnapshots);
        }
        long bytes = 0;
        for (Digest d : store.list()) {
            if (!keepBlobs.contains(d)) {
                bytes += store.size(d);
            }
        }
        GcResult blobs = store.gc(keepBlobs);
        List<String> snapshots = List.copyOf(new java.util.TreeSet<>(snapshotter.gc(keepSnapshots)));
        return new PruneReport(blobs.removedBlobs(), snapshots, bytes);
    }

    private void mark(Descriptor top, Set<Digest> keepBlobs, Set<String> keepSnapshots) throws IOException {
        if (!store.contains(top.digest())) {
            return;
        }
        keepBlobs.add(top.digest());
        if (MediaTypes.isIndex(top.mediaType())) {
            Index index = resolver.readIndex(top);
            for (Descriptor child : index.manifests()) {
                // An index lists every platform; only the ones pulled are here, and only those count.
                if (MediaTypes.isManifest(child.mediaType()) || MediaTypes.isIndex(child.mediaType())) {
                    mark(child, keepBlobs, keepSnapshots);
                }
            }
            return;
        }
        Manifest manifest = resolver.readManifest(top);
        keepBlobs.add(manifest.config().digest());
        for (Descriptor layer : manifest.layers()) {
            keepBlobs.add(layer.digest());
        }
        if (store.contains(manifest.config().digest())) {
            for (Digest chainId : ChainIds.of(diffIds(manifest.config()))) {
                keepSnapshots.add(chainId.toString());
            }
        }
    }

    private List<Digest> diffIds(Descriptor config) throws IOException {
        try (InputStream in = store.open(config.digest())) {
            return ImageConfigReader.summary(in.readAllBytes(), config.digest().toString()).diffIds();
        } catch (ImageConfigException e) {
            throw new ImageException(e.getMessage(), e);
        }
    }
}
