package dev.berth.image.service;

import dev.berth.image.config.ConfigSummary;
import dev.berth.image.config.ImageConfigException;
import dev.berth.image.config.ImageConfigReader;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Index;
import dev.berth.image.manifest.Manifest;
import dev.berth.image.manifest.ManifestException;
import dev.berth.image.manifest.ManifestReader;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.manifest.StoredDocuments;
import dev.berth.image.manifest.Platform;
import dev.berth.image.names.ImageNames;
import dev.berth.image.names.ImageRecord;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds local images by name or ID and reads their manifests and configs from the content store.
 * An argument is tried as a name first (normalised, so {@code busybox} finds
 * {@code docker.io/library/busybox:latest}), then as an ID: a prefix of the config digest
 * (what {@code docker images} shows) or of the manifest digest, with or without {@code sha256:}.
 */
final class ImageResolver {
    /** Shorter ID prefixes match too much to be useful (docker accepts any unique prefix). */
    private static final int MIN_ID_PREFIX = 4;

    private final ContentStore store;
    private final ImageNames names;
    private final Function<String, String> normaliser;

    /** {@code normaliser} turns what a user typed into a stored name, or throws IllegalArgumentException. */
    ImageResolver(ContentStore store, ImageNames names, Function<String, String> normaliser) {
        this.store = store;
        this.names = names;
        this.normaliser = normaliser;
    }

    /** The image {@code nameOrId} denotes, resolved to {@code platform}. */
    LocalImage find(String nameOrId, Platform platform) throws IOException {
        ImageRecord named = byName(nameOrId);
        if (named != null) {
            return load(named.target(), platform);
        }
        return byId(nameOrId, platform);
    }

    /**
     * As {@link #find}, but an index without {@code platform}'s manifest in the store shows the
     * first platform it does have: for looking at images (ls, inspect), not for running them.
     */
    LocalImage findAny(String nameOrId, Platform platform) throws IOException {
        ImageRecord named = byName(nameOrId);
        if (named != null) {
            return loadAny(named.target(), platform);
        }
        return byId(nameOrId, platform);
    }

    /** The record of a name, or null if {@code nameOrId} is not a (known) name. */
    ImageRecord byName(String nameOrId) throws IOException {
        String name;
        try {
            name = normaliser.apply(nameOrId);
        } catch (IllegalArgumentException notAName) {
            return null;
        }
        return names.get(name).orElse(null);
    }

    /** Every named image resolved to {@code platform}, one entry per distinct target. */
    List<LocalImage> all(Platform platform) throws IOException {
        List<LocalImage> images = new ArrayList<>();
        Set<Digest> seen = new LinkedHashSet<>();
        for (ImageRecord record : names.list()) {
            if (seen.add(record.target().digest())) {
                images.add(loadAny(record.target(), platform));
            }
        }
        return images;
    }

    /** Reads {@code top} (resolving an index to {@code platform}) and names it with every name pointing at it. */
    LocalImage load(Descriptor top, Platform platform) throws IOException {
        Descriptor manifestDescriptor = top;
        if (MediaTypes.isIndex(top.mediaType())) {
            try {
                manifestDescriptor = readIndex(top).select(platform);
            } catch (ManifestException e) {
                throw new ImageException(top.digest() + ": " + e.getMessage(), e);
            }
        }
        return loadManifest(top, manifestDescriptor);
    }

    /**
     * As {@link #load}, falling back to the first manifest of an index that is in the store when
     * {@code platform}'s is not: a pull or load fetches one platform of a multi-platform image,
     * and listing must not fail because that platform is not this machine's.
     */
    LocalImage loadAny(Descriptor top, Platform platform) throws IOException {
        if (!MediaTypes.isIndex(top.mediaType())) {
            return loadManifest(top, top);
        }
        Index index = readIndex(top);
        try {
            Descriptor wanted = index.select(platform);
            if (store.contains(wanted.digest())) {
                return loadManifest(top, wanted);
            }
        } catch (ManifestException notInIndex) {
            // Fall through to any platform that is here.
        }
        for (Descriptor child : index.manifests()) {
            if (MediaTypes.isManifest(child.mediaType()) && store.contains(child.digest())) {
                return loadManifest(top, child);
            }
        }
        throw new ImageException(top.digest() + ": none of the index's " + index.manifests().size()
                + " manifests is in the store");
    }

    private LocalImage loadManifest(Descriptor top, Descriptor manifestDescriptor) throws IOException {
        Manifest manifest = readManifest(manifestDescriptor);
        ConfigSummary config;
        try {
            config = ImageConfigReader.summary(read(manifest.config()), manifest.config().digest().toString());
        } catch (ImageConfigException e) {
            throw new ImageException(e.getMessage(), e);
        }
        List<String> imageNames = names.byDigest(top.digest()).stream().map(ImageRecord::name).toList();
        return new LocalImage(imageNames, top, manifestDescriptor, manifest, config);
    }

    Index readIndex(Descriptor d) throws IOException {
        return parse(d, ManifestReader::readIndex);
    }

    Manifest readManifest(Descriptor d) throws IOException {
        return parse(d, ManifestReader::readManifest);
    }

    private LocalImage byId(String id, Platform platform) throws IOException {
        String prefix = id.startsWith("sha256:") ? id.substring("sha256:".length()) : id;
        if (prefix.length() < MIN_ID_PREFIX || !prefix.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new ImageException("no such image: " + id);
        }
        List<LocalImage> matches = new ArrayList<>();
        for (LocalImage image : all(platform)) {
            if (image.id().hex().startsWith(prefix) || image.top().digest().hex().startsWith(prefix)) {
                matches.add(image);
            }
        }
        if (matches.isEmpty()) {
            throw new ImageException("no such image: " + id);
        }
        if (matches.size() > 1) {
            throw new ImageException("image ID prefix '" + id + "' is ambiguous: it matches "
                    + matches.stream().map(i -> i.id().hex().substring(0, 12)).toList());
        }
        return matches.getFirst();
    }

    private <T> T parse(Descriptor d, Function<byte[], T> reader) throws IOException {
        return StoredDocuments.parse(store, d, reader, ImageException::new);
    }

    private byte[] read(Descriptor d) throws IOException {
        return StoredDocuments.read(store, d, ImageException::new);
    }
}
