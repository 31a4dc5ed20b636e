package dev.berth.image.layout;

import dev.berth.image.config.ImageConfig;
import dev.berth.image.config.ImageConfigException;
import dev.berth.image.config.ImageConfigReader;
import dev.berth.image.config.Overrides;
import dev.berth.image.config.RuntimeSpecs;
import dev.berth.image.layer.LayerUnpacker;
import dev.berth.image.layer.Mode;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Manifest;
import dev.berth.image.manifest.ManifestReader;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.manifest.StoredDocuments;
import dev.berth.image.manifest.Platform;
import dev.berth.image.store.ContentStore;
import dev.berth.spec.Spec;
import dev.berth.spec.SpecWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Turns an image in a {@link ContentStore} into an OCI runtime bundle (runtime-spec bundle.md):
 * {@code bundleDir/rootfs} with every layer applied in order, and {@code bundleDir/config.json}
 * made from the image config (image-spec conversion.md).
 */
public final class BundleWriter {

    private BundleWriter() {
    }

    /**
     * Unpacks {@code manifestOrIndex} (an index is resolved to {@code platform}'s manifest) into
     * {@code bundleDir}, which may exist but whose {@code rootfs} must not.
     *
     * @return the manifest that was unpacked
     */
    public static Manifest unpack(ContentStore store, Descriptor manifestOrIndex, Platform platform, Path bundleDir)
            throws IOException {
        Descriptor manifestDescriptor = manifestOrIndex;
        if (MediaTypes.isIndex(manifestOrIndex.mediaType())) {
            manifestDescriptor = document(store, manifestOrIndex, ManifestReader::readIndex).select(platform);
        }
        Manifest manifest = document(store, manifestDescriptor, ManifestReader::readManifest);
        Path rootfs = bundleDir.resolve("rootfs");
        Files.createDirectories(bundleDir);
        // createDirectory, not createDirectories: layering onto a leftover rootfs would mix images.
        Files.createDirectory(rootfs);
        for (Descriptor layer : manifest.layers()) {
            try (InputStream in = store.open(layer.digest())) {
                LayerUnpacker.unpack(in, rootfs, Mode.FLATTEN);
            }
        }
        writeConfig(store, manifest.config(), rootfs, bundleDir.resolve("config.json"));
        return manifest;
    }

    /**
     * Writes {@code configJson} for the image config {@code configDescriptor}, with root.path
     * "rootfs" (relative to the bundle); users are resolved in {@code rootfs}.
     */
    public static void writeConfig(ContentStore store, Descriptor configDescriptor, Path rootfs, Path configJson)
            throws IOException {
        Spec spec;
        try {
            ImageConfig image = ImageConfigReader.read(store.path(configDescriptor.digest()));
            spec = RuntimeSpecs.fromImage(image, rootfs, "rootfs", Overrides.NONE);
        } catch (ImageConfigException e) {
            throw new LayoutException("image config " + configDescriptor.digest() + ": " + e.getMessage(), e);
        }
        // Write then rename(2): a runtime reading config.json never sees half a file.
        Path tmp = configJson.resolveSibling(".config.json.tmp");
        Files.writeString(tmp, SpecWriter.write(spec), StandardCharsets.UTF_8);
        Files.move(tmp, configJson, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static <T> T document(ContentStore store, Descriptor d, java.util.function.Function<byte[], T> reader)
            throws IOException {
        return StoredDocuments.parse(store, d, reader, LayoutException::new);
    }
}
