package dev.berth.image.archive;

import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads one docker save archive that was spooled to disk: per manifest.json item, the config and
 * layers are checked (config digest against its file name, each layer's uncompressed digest against
 * the config's diff_ids) and stored, and a Docker schema 2 manifest is written for them.
 */
final class DockerArchiveLoader {
    /**
     * Configs and manifest.json are read into memory, so their size is capped: real ones are
     * kilobytes, a long build history rarely takes a config past a megabyte.
     */
    static final long MAX_CONFIG_SIZE = 16L << 20;
    private final TarSpool spool;
    private final AddedBlobs added;

    DockerArchiveLoader(TarSpool spool, AddedBlobs added) {
        this.spool = spool;
        this.added = added;
    }

    List<NamedImage> load() throws IOException {
        Path manifestFile = spool.file(DockerManifestJson.FILE).orElseThrow(() -> new ArchiveException(
                "docker archive: no " + DockerManifestJson.FILE + " (not a docker save archive, or one from"
                        + " Docker before 1.10, which berth does not read)"));
        List<DockerManifestJson.Item> items = DockerManifestJson.read(readCapped(manifestFile, DockerManifestJson.FILE));
        List<NamedImage> images = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            DockerManifestJson.Item item = items.get(i);
            Descriptor manifest = loadImage(item, DockerManifestJson.FILE + "[" + i + "]");
            if (item.repoTags().isEmpty()) {
                images.add(new NamedImage("", manifest));
            }
            for (String tag : item.repoTags()) {
                images.add(new NamedImage(tag, manifest));
            }
        }
        return images;
    }

    private Descriptor loadImage(DockerManifestJson.Item item, String where) throws IOException {
        byte[] config = readConfig(item.config(), where);
        Digest configDigest = Digest.of("sha256", config);
        Optional<Digest> named = digestInConfigName(item.config());
        if (named.isPresent() && !named.get().equals(configDigest)) {
            throw new ArchiveException("docker archive: config " + item.config() + " (" + where
                    + ".Config) has digest " + configDigest + ", its name says " + named.get());
        }
        String source = "docker archive: config " + item.config();
        List<Digest> diffIds = ConfigDiffIds.read(config, source);
        if (diffIds.size() != item.layers().size()) {
            throw new ArchiveException("docker archive: " + where + " lists " + item.layers().size()
                    + " layers, its config " + item.config() + " has " + diffIds.size() + " rootfs.diff_ids");
        }
        List<Descriptor> layers = new ArrayList<>();
        for (int i = 0; i < diffIds.size(); i++) {
            layers.add(loadLayer(item.layers().get(i), diffIds.get(i), where + ".Layers[" + i + "]", i));
        }
        Descriptor configDescriptor = added.put(MediaTypes.DOCKER_CONFIG, config);
        byte[] manifest = JsonOut.manifest(MediaTypes.DOCKER_MANIFEST, configDescriptor, layers);
        return added.put(MediaTypes.DOCKER_MANIFEST, manifest);
    }

    private byte[] readConfig(String name, String where) throws IOException {
        Path file = spool.file(name).orElseThrow(() -> new ArchiveException("docker archive: config " + name
                + " (" + where + ".Config) is not in the archive"));
        return readCapped(file, "config " + name);
    }

    private static byte[] readCapped(Path file, String what) throws IOException {
        long size = Files.size(file);
        if (size > MAX_CONFIG_SIZE) {
            throw new ArchiveException("docker archive: " + what + " is " + size + " bytes, over the "
                    + MAX_CONFIG_SIZE + "-byte limit");
        }
        return Files.readAllBytes(file);
    }

    /**
     * The layer is stored exactly as archived, under its own digest; only its uncompressed content
     * must match the config, because that is what the config's digest (the image ID) commits to.
     */
    private Descriptor loadLayer(String name, Digest diffId, String where, int index) throws IOException {
        Path file = spool.file(name).orElseThrow(() -> new ArchiveException("docker archive: layer " + name
                + " (" + where + ") is not in the archive"));
        LayerFacts facts;
        try (InputStream in = Files.newInputStream(file)) {
            facts = LayerFacts.measure(in);
        } catch (IOException e) {
            throw new ArchiveException("docker archive: layer " + name + " (" + where + "): cannot decompress ("
                    + e.getMessage() + ")", e);
        }
        if (!facts.diffId().equals(diffId)) {
            throw new ArchiveException("docker archive: layer " + name + " (" + where + "): uncompressed content"
                    + " has digest " + facts.diffId() + ", but the config's rootfs.diff_ids[" + index + "] is "
                    + diffId);
        }
        Optional<Digest> named = digestInBlobPath(name);
        if (named.isPresent() && !named.get().equals(facts.blob())) {
            throw new ArchiveException("docker archive: layer " + name + " (" + where + ") has digest "
                    + facts.blob() + ", its name says " + named.get());
        }
        added.put(facts.blob(), facts.size(), file);
        return new Descriptor(facts.dockerMediaType().mediaType(), facts.blob(), facts.size(), List.of(), Map.of(),
                Optional.empty());
    }

    /** "<hex>.json" (legacy) and "blobs/sha256/<hex>" (Docker 25+) name a config by its sha256. */
    private static Optional<Digest> digestInConfigName(String name) throws ArchiveException {
        Optional<Digest> blob = digestInBlobPath(name);
        if (blob.isPresent()) {
            return blob;
        }
        String base = ArchivePaths.baseName(ArchivePaths.inScope(name));
        return parseDigest("sha256", base.endsWith(".json") ? base.substring(0, base.length() - 5) : base);
    }

    /** "blobs/<alg>/<hex>" is Docker 25+'s OCI layout naming: the name is the content digest. */
    private static Optional<Digest> digestInBlobPath(String name) throws ArchiveException {
        String[] parts = ArchivePaths.inScope(name).split("/");
        if (parts.length != 3 || !parts[0].equals("blobs") || !parts[1].equals("sha256")) {
            return Optional.empty(); // only sha256 is computed here; Ingest verifies other digests anyway.
        }
        return parseDigest(parts[1], parts[2]);
    }

    private static Optional<Digest> parseDigest(String algorithm, String hex) {
        try {
            return Optional.of(new Digest(algorithm, hex));
        } catch (IllegalArgumentException notADigest) {
            return Optional.empty();
        }
    }
}
