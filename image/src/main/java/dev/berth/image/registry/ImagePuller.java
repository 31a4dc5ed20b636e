package dev.berth.image.registry;

import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Index;
import dev.berth.image.manifest.Manifest;
import dev.berth.image.manifest.ManifestException;
import dev.berth.image.manifest.ManifestReader;
import dev.berth.image.manifest.ManifestReader.IndexDocument;
import dev.berth.image.manifest.ManifestReader.ManifestDocument;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.manifest.Platform;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import dev.berth.image.store.Ingest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pulls an image into a {@link ContentStore}: resolve the reference to a manifest or index, store
 * it, pick the platform's manifest from an index and store that, then the config, then the layers in
 * parallel (bounded). Every document is parsed before it is stored and every blob is verified by
 * its ingest, so a failure leaves only complete, verified blobs behind; the other downloads are
 * cancelled and their ingest files removed before {@code pull} returns.
 */
public final class ImagePuller {
    public static final int DEFAULT_PARALLELISM = 3;

    private final RegistryClient client;
    private final ContentStore store;
    private final int parallelism;

    public ImagePuller(RegistryClient client, ContentStore store) {
        this(client, store, DEFAULT_PARALLELISM);
    }

    /** @param parallelism how many layers download at once (at least 1) */
    public ImagePuller(RegistryClient client, ContentStore store, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("pull: parallelism " + parallelism + " < 1");
        }
        this.client = client;
        this.store = store;
        this.parallelism = parallelism;
    }

    public PullResult pull(Reference ref, Platform platform) throws IOException {
        return pull(ref, platform, PullListener.NONE);
    }

    /**
     * @throws RegistryException         a request failed (names method, URL, status, error codes)
     * @throws dev.berth.image.store.ContentException a blob did not match its size or digest
     * @throws ManifestException         a manifest is malformed, or the index has no such platform
     */
    public PullResult pull(Reference ref, Platform platform, PullListener listener) throws IOException {
        FetchedManifest top = client.getManifest(ref);
        listener.resolved(ref, top.digest());
        ManifestReader.Document document = parse(ref, top);
        storeDocument(top.descriptor(), top.bytes(), document instanceof IndexDocument ? BlobKind.INDEX
                : BlobKind.MANIFEST, listener);
        Descriptor manifestDescriptor = top.descriptor();
        Manifest manifest;
        switch (document) {
            case IndexDocument(Index index) -> {
                manifestDescriptor = select(ref, top, index, platform);
                manifest = fetchPlatformManifest(ref, manifestDescriptor, listener);
            }
            case ManifestDocument(Manifest m) -> manifest = m;
        }
        fetch(ref, manifest.config(), BlobKind.CONFIG, listener);
        listener.layersNext(manifest);
        fetchLayers(ref, manifest.layers(), listener);
        return new PullResult(ref, top.descriptor(), manifestDescriptor, manifest, manifest.config());
    }

    /** Parses and cross-checks the document before anything is stored: bad input stores nothing. */
    private static ManifestReader.Document parse(Reference ref, FetchedManifest fetched) {
        ManifestReader.Document document;
        try {
            document = ManifestReader.read(fetched.bytes());
        } catch (ManifestException e) {
            throw new ManifestException(ref + " (" + fetched.digest() + "): " + e.getMessage(), e);
        }
        boolean isIndex = document instanceof IndexDocument;
        if (isIndex != MediaTypes.isIndex(fetched.mediaType())) {
            throw new ManifestException(ref + " (" + fetched.digest() + "): served as " + fetched.mediaType()
                    + " but the document is " + (isIndex ? "an index" : "an image manifest"));
        }
        return document;
    }

    private static Descriptor select(Reference ref, FetchedManifest top, Index index, Platform platform) {
        try {
            return index.select(platform);
        } catch (ManifestException e) {
            throw new ManifestException(ref + " (" + top.digest() + "): " + e.getMessage(), e);
        }
    }

    /** Fetches the index entry by digest (so the registry cannot substitute it) and stores it. */
    private Manifest fetchPlatformManifest(Reference ref, Descriptor chosen, PullListener listener)
            throws IOException {
        FetchedManifest child = client.getManifest(ref.withDigest(chosen.digest()));
        if (child.size() != chosen.size()) {
            throw new ManifestException(ref + " (" + chosen.digest() + "): manifest is " + child.size()
                    + " bytes, the index says " + chosen.size());
        }
        Manifest manifest;
        try {
            manifest = ManifestReader.readManifest(child.bytes());
        } catch (ManifestException e) {
            throw new ManifestException(ref + " (" + chosen.digest() + "): " + e.getMessage(), e);
        }
        storeDocument(chosen, child.bytes(), BlobKind.MANIFEST, listener);
        return manifest;
    }

    private void storeDocument(Descriptor d, byte[] bytes, BlobKind kind, PullListener listener) throws IOException {
        if (store.contains(d.digest())) {
            listener.blobDone(d, true);
            return;
        }
        listener.blobStarted(d, kind);
        try (Ingest ingest = store.begin(d.digest(), bytes.length)) {
            ingest.write(bytes);
            ingest.commit();
        }
        listener.blobProgress(d, bytes.length);
        listener.blobDone(d, false);
    }

    private void fetch(Reference ref, Descriptor d, BlobKind kind, PullListener listener) throws IOException {
        if (store.contains(d.digest())) {
            listener.blobDone(d, true); // verified when it was committed; blobs are immutable
            return;
        }
        listener.blobStarted(d, kind);
        client.fetchBlob(ref, d, store, bytes -> listener.blobProgress(d, bytes));
        listener.blobDone(d, false);
    }

    /**
     * Downloads the missing layers, {@code parallelism} at a time. Foreign / non-distributable layers
     * are fetched from the registry like any other and their {@code urls} are ignored: image-spec
     * makes the urls optional hints, following them would let any image point berth at arbitrary
     * hosts, and the digest check makes the registry's copy exactly as good when it has one.
     */
    private void fetchLayers(Reference ref, List<Descriptor> layers, PullListener listener) throws IOException {
        Map<Digest, Descriptor> unique = new LinkedHashMap<>();
        layers.forEach(d -> unique.putIfAbsent(d.digest(), d)); // the same layer may appear twice
        List<Descriptor> missing = new ArrayList<>();
        for (Descriptor d : unique.values()) {
            if (store.contains(d.digest())) {
                listener.blobDone(d, true);
            } else {
                missing.add(d);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        List<Parallel.Task> tasks = missing.stream()
                .<Parallel.Task>map(d -> () -> fetch(ref, d, BlobKind.LAYER, listener)).toList();
        Parallel.run(parallelism, "pull", tasks);
    }
}
