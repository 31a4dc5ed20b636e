package dev.berth.image.archive;

import dev.berth.image.layer.Decompression;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Manifest;
import dev.berth.image.manifest.ManifestException;
import dev.berth.image.manifest.ManifestReader;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.manifest.Platform;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes the legacy docker save layout that docker load has read since Docker 1.10 (moby
 * image/tarexport): {@code manifest.json}, {@code repositories}, {@code <config hex>.json} and
 * {@code <layer id>/layer.tar} holding each layer uncompressed. The per-layer {@code VERSION} and
 * {@code json} files are left out: docker load only reads them when manifest.json is absent.
 *
 * <p>Everything is checked before the first byte is written (blobs present, each layer's
 * uncompressed digest equal to the config's diff_id), because a stream cannot be taken back.
 */
final class DockerArchiveWriter {
    private final ContentStore store;
    private final Platform platform;
    /** Keyed by config digest: docker's image ID; two names for one config are one entry with two tags. */
    private final Map<Digest, SavedImage> images = new LinkedHashMap<>();
    /** docker load tags in manifest.json order, so a name on two images would silently go to the last. */
    private final Map<String, Digest> names = new HashMap<>();

    private record SavedLayer(Descriptor blob, Digest diffId, String dirId, long tarSize) {
    }

    private record SavedImage(Digest config, List<SavedLayer> layers, List<String> tags) {
    }

    DockerArchiveWriter(ContentStore store, Platform platform) {
        this.store = store;
        this.platform = platform;
    }

    void add(NamedImage image) throws IOException {
        String where = image.name().isEmpty() ? "image " + image.descriptor().digest() : "image " + image.name();
        if (!image.name().isEmpty()) {
            ImageNames.repoAndTag(image.name());
        }
        Manifest manifest = manifest(image.descriptor(), where);
        Digest configDigest = manifest.config().digest();
        if (!image.name().isEmpty()) {
            Digest earlier = names.putIfAbsent(image.name(), configDigest);
            if (earlier != null && !earlier.equals(configDigest)) {
                throw new ArchiveException("image name '" + image.name() + "' given for two images (configs "
                        + earlier + " and " + configDigest + ")");
            }
        }
        SavedImage saved = images.get(configDigest);
        if (saved == null) {
            saved = new SavedImage(configDigest, layers(manifest, where), new ArrayList<>());
            images.put(configDigest, saved);
        }
        if (!image.name().isEmpty() && !saved.tags().contains(image.name())) {
            saved.tags().add(image.name());
        }
    }

    void write(OutputStream out) throws IOException {
        DeterministicTar tar = new DeterministicTar(out);
        List<DockerManifestJson.Item> items = new ArrayList<>();
        Map<String, Map<String, String>> repositories = new TreeMap<>();
        for (SavedImage image : images.values()) {
            List<String> layerPaths = image.layers().stream().map(l -> l.dirId() + "/layer.tar").toList();
            items.add(new DockerManifestJson.Item(image.config().hex() + ".json", image.tags(), layerPaths));
            for (String tag : image.tags()) {
                if (!image.layers().isEmpty()) {
                    String[] repoTag = ImageNames.repoAndTag(tag);
                    repositories.computeIfAbsent(repoTag[0], r -> new TreeMap<>())
                            .put(repoTag[1], image.layers().getLast().dirId());
                }
            }
        }
        tar.file(DockerManifestJson.FILE, DockerManifestJson.write(items));
        tar.file("repositories", DockerManifestJson.repositories(repositories));
        Set<String> writtenDirs = new HashSet<>();
        for (SavedImage image : images.values()) {
            try (InputStream config = store.open(image.config())) {
                tar.file(image.config().hex() + ".json", store.size(image.config()), config);
            }
            for (SavedLayer layer : image.layers()) {
                if (writtenDirs.add(layer.dirId())) {
                    tar.directory(layer.dirId() + "/");
                    writeLayerTar(tar, layer);
                }
            }
        }
        tar.finish();
    }

    private void writeLayerTar(DeterministicTar tar, SavedLayer layer) throws IOException {
        try (InputStream raw = store.open(layer.blob().digest());
             DigestInputStream plain = new DigestInputStream(Decompression.detect(raw), LayerFacts.sha256())) {
            tar.file(layer.dirId() + "/layer.tar", layer.tarSize(), plain);
            Digest written = LayerFacts.digest(plain.getMessageDigest());
            if (!written.equals(layer.diffId())) {
                // Checked before writing; only a store changed underneath gets here.
                throw new ArchiveException("layer " + layer.blob().digest() + ": uncompressed content changed"
                        + " while saving: " + written + ", expected " + layer.diffId());
            }
        }
    }

    private Manifest manifest(Descriptor top, String where) throws IOException {
        Descriptor chosen = top;
        if (MediaTypes.isIndex(top.mediaType())) {
            try {
                chosen = ImageGraph.document(store, top, ManifestReader::readIndex).select(platform);
            } catch (ManifestException e) {
                throw new ArchiveException(where + ": " + top.digest() + ": " + e.getMessage(), e);
            }
        } else if (!MediaTypes.isManifest(top.mediaType())) {
            throw new ArchiveException(where + ": " + top.digest() + " is a " + top.mediaType()
                    + ", not an image manifest or index");
        }
        return ImageGraph.document(store, chosen, ManifestReader::readManifest);
    }

    private List<SavedLayer> layers(Manifest manifest, String where) throws IOException {
        Descriptor config = manifest.config();
        if (config.size() > DockerArchiveLoader.MAX_CONFIG_SIZE) {
            throw new ArchiveException(where + ": config " + config.digest() + " is " + config.size()
                    + " bytes, over the " + DockerArchiveLoader.MAX_CONFIG_SIZE + "-byte limit");
        }
        byte[] configBytes;
        try (InputStream in = store.open(config.digest())) {
            configBytes = in.readAllBytes();
        }
        List<Digest> diffIds = ConfigDiffIds.read(configBytes, where + ": config " + config.digest());
        if (diffIds.size() != manifest.layers().size()) {
            throw new ArchiveException(where + ": manifest has " + manifest.layers().size()
                    + " layers, config " + config.digest() + " has " + diffIds.size() + " rootfs.diff_ids");
        }
        List<SavedLayer> layers = new ArrayList<>();
        Digest chain = null;
        for (int i = 0; i < diffIds.size(); i++) {
            Descriptor blob = manifest.layers().get(i);
            Digest diffId = diffIds.get(i);
            chain = chain == null ? diffId : chainId(chain, diffId);
            layers.add(new SavedLayer(blob, diffId, chain.hex(), tarSize(blob, diffId, where, i)));
        }
        return layers;
    }

    /**
     * The uncompressed size, which the tar header needs before the data: free for a plain layer (its
     * digest is its diff_id), otherwise one decompressing pass, which also verifies the diff_id.
     */
    private long tarSize(Descriptor blob, Digest diffId, String where, int index) throws IOException {
        if (blob.digest().equals(diffId)) {
            return store.size(blob.digest());
        }
        LayerFacts facts;
        try (InputStream in = store.open(blob.digest())) {
            facts = LayerFacts.measure(in);
        }
        if (!facts.diffId().equals(diffId)) {
            throw new ArchiveException(where + ": layer " + blob.digest() + " uncompresses to " + facts.diffId()
                    + ", but the config's rootfs.diff_ids[" + index + "] is " + diffId);
        }
        return facts.uncompressedSize();
    }

    /** config.md: ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + " " + DiffID(Ln)). */
    static Digest chainId(Digest parent, Digest diffId) {
        return Digest.of("sha256", (parent + " " + diffId).getBytes(StandardCharsets.UTF_8));
    }
}
