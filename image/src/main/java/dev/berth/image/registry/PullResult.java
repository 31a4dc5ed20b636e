package dev.berth.image.registry;

import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Manifest;

/**
 * What {@link ImagePuller#pull} stored.
 *
 * @param reference          the reference as asked for
 * @param top                the manifest or index the reference resolved to, as fetched
 * @param manifestDescriptor the image manifest for the platform (equal to {@code top} for a single manifest)
 * @param manifest           that manifest, parsed
 * @param config             its config blob
 */
public record PullResult(Reference reference, Descriptor top, Descriptor manifestDescriptor, Manifest manifest,
                         Descriptor config) {
}
