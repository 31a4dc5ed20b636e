package dev.berth.image.service;

import dev.berth.image.config.ConfigSummary;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Manifest;
import dev.berth.image.store.Digest;
import java.util.List;

/**
 * An image in the local store, resolved to one platform: what {@code image ls} and
 * {@code image inspect} show, and what unpacking and mounting start from.
 *
 * @param names    every name pointing at {@code top} (empty for an image found by ID only)
 * @param top      what the names point at: a manifest, or an index holding one per platform
 * @param manifestDescriptor the platform's manifest (equal to {@code top} when that is a manifest)
 * @param manifest that manifest
 * @param config   its config summary (created, platform, diff IDs)
 */
public record LocalImage(List<String> names, Descriptor top, Descriptor manifestDescriptor, Manifest manifest,
                         ConfigSummary config) {
    public LocalImage {
        names = List.copyOf(names);
    }

    /** Docker's image ID: the digest of the config blob. */
    public Digest id() {
        return manifest.config().digest();
    }

    /** Bytes of the compressed layers plus the config, as stored (what a pull transfers). */
    public long size() {
        long size = manifest.config().size();
        for (Descriptor layer : manifest.layers()) {
            size += layer.size();
        }
        return size;
    }
}
