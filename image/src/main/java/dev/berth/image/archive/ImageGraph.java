package dev.berth.image.archive;

import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Manifest;
import dev.berth.image.manifest.ManifestReader;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.manifest.StoredDocuments;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every blob an image needs, found by walking from its top descriptor through the store: index ->
 * child manifests (and nested indexes) -> config and layers. Documents are read from the store, so
 * they were verified against their digest before they decide what else is needed.
 */
public final class ImageGraph {
    private final ContentStore store;
    private final String missingFrom;
    private final Map<Digest, Descriptor> blobs = new LinkedHashMap<>();

    private ImageGraph(ContentStore store, String missingFrom) {
        this.store = store;
        this.missingFrom = missingFrom;
    }

    /**
     * The reachable blobs in walk order (documents before what they reference). Each must be in the
     * store with the size its descriptor states; {@code missingFrom} says where it should have come
     * from, for the error. Foreign / nondistributable layers that are absent are left out: by
     * definition they may only exist at their URLs (image-spec layer.md).
     */
    public static Map<Digest, Descriptor> reachable(ContentStore store, List<Descriptor> roots, String missingFrom)
            throws IOException {
        ImageGraph graph = new ImageGraph(store, missingFrom);
        for (Descriptor root : roots) {
            graph.visit(root);
        }
        return graph.blobs;
    }

    /** Reads and parses a manifest or index from the store (size-capped: it is held in memory). */
    static <T> T document(ContentStore store, Descriptor d, Function<byte[], T> reader) throws IOException {
        return StoredDocuments.parse(store, d, reader, ArchiveException::new);
    }

    private void visit(Descriptor d) throws IOException {
        if (blobs.containsKey(d.digest())) {
            return;
        }
        if (MediaTypes.isIndex(d.mediaType())) {
            require(d);
            for (Descriptor child : document(store, d, ManifestReader::readIndex).manifests()) {
                visit(child);
            }
        } else if (MediaTypes.isManifest(d.mediaType())) {
            require(d);
            Manifest manifest = document(store, d, ManifestReader::readManifest);
            require(manifest.config());
            for (Descriptor layer : manifest.layers()) {
                if (layer.layerType().orElseThrow().foreign() && !store.contains(layer.digest())) {
                    continue;
                }
                require(layer);
            }
        } else {
            require(d);
        }
    }

    private void require(Descriptor d) throws IOException {
        if (!store.contains(d.digest())) {
            throw new ArchiveException(d.digest() + ": blob (" + d.mediaType() + ") missing from " + missingFrom);
        }
        long actual = store.size(d.digest());
        if (actual != d.size()) {
            throw new ArchiveException(d.digest() + ": descriptor (" + d.mediaType() + ") says " + d.size()
                    + " bytes, the blob has " + actual);
        }
        blobs.put(d.digest(), d);
    }
}
