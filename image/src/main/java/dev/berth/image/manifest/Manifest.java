package dev.berth.image.manifest;

import java.util.List;
import java.util.Map;

/**
 * An OCI image manifest or Docker schema 2 manifest: the two share this shape. Every layer has a known
 * {@link LayerMediaType} (the reader rejects others), available through {@link #layerTypes()}.
 */
public record Manifest(int schemaVersion, String mediaType, Descriptor config, List<Descriptor> layers,
                       Map<String, String> annotations) {

    public Manifest {
        layers = List.copyOf(layers);
        annotations = Map.copyOf(annotations);
    }

    public List<LayerMediaType> layerTypes() {
        return layers.stream().map(d -> d.layerType().orElseThrow()).toList();
    }

    /** True if any layer is foreign / nondistributable and may need fetching from its urls. */
    public boolean hasForeignLayers() {
        return layerTypes().stream().anyMatch(LayerMediaType::foreign);
    }
}
