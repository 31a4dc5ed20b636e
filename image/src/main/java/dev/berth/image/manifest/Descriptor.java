package dev.berth.image.manifest;

import dev.berth.image.store.Digest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An OCI content descriptor (descriptor.md). {@code platform} is only set inside an index. */
public record Descriptor(String mediaType, Digest digest, long size, List<String> urls,
                         Map<String, String> annotations, Optional<Platform> platform) {

    public Descriptor {
        urls = List.copyOf(urls);
        annotations = Map.copyOf(annotations);
    }

    /** The layer type if this descriptor's media type is a known layer type. */
    public Optional<LayerMediaType> layerType() {
        return LayerMediaType.of(mediaType);
    }
}
