package dev.berth.image.registry;

import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Index;
import dev.berth.image.manifest.Manifest;
import dev.berth.image.manifest.ManifestException;
import dev.berth.image.manifest.ManifestReader;
import dev.berth.image.manifest.ManifestReader.IndexDocument;
import dev.berth.image.manifest.ManifestReader.ManifestDocument;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.registry.PushListener.Outcome;
import dev.berth.image.store.ContentException;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pushes an image from a {@link ContentStore} to a registry. Order matters because a registry refuses
 * a manifest whose blobs it does not have (and an index whose manifests it does not have): blobs
 * first, then the manifest; for an index, each child manifest first (by digest), then the index.
 * Manifest bytes are sent exactly as stored, never re-serialised, so the pushed digest is the local one.
 */
public final class ImagePusher {
    /**
     * Looked up on first use: the first System.getLogger scans the class path for a logger provider,
     * and this class logs only on rare paths (retries, redirects, resumed downloads).
     */
    private static System.Logger log() {
        return System.getLogger(ImagePusher.class.getName());
    }

    public static final int DEFAULT_PARALLELISM = 3;

    private final RegistryClient client;
    private final int parallelism;

    public ImagePusher(RegistryClient client) {
        this(client, DEFAULT_PARALLELISM);
    }

    /** @param parallelism how many blobs upload at once (at least 1) */
    public ImagePusher(RegistryClient client, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("push: parallelism " + parallelism + " < 1");
        }
        this.client = client;
        this.parallelism = parallelism;
    }

    public Digest push(ContentStore store, Descriptor top, Reference target, PushListener listener) throws IOException {
        return push(store, top, target, null, listener);
    }

    /**
     * Pushes {@code top} (a manifest or an index) and everything it references to {@code target}, and
     * tags it with the target's tag (or puts it by digest when the target names only a digest).
     *
     * @param mountFrom a repository that already holds the blobs; on the target's registry they are
     *                  mounted from it instead of uploaded. Null, or another registry: plain upload.
     * @return the pushed digest, which is {@code top.digest()}
     */
    public Digest push(ContentStore store, Descriptor top, Reference target, Reference mountFrom,
                       PushListener listener) throws IOException {
        if (target.digest().isPresent() && !target.digest().get().equals(top.digest())) {
            throw new IllegalArgumentException("push: target " + target + " names digest " + target.digest().get()
                    + " but the image is " + top.digest());
        }
        Reference from = mountFrom != null && mountFrom.registry().equals(target.registry()) ? mountFrom : null;
        if (mountFrom != null && from == null) {
            log().log(Level.DEBUG, "push {0}: {1} is on another registry, uploading instead of mounting", target, mountFrom);
        }
        String tagOrDigest = target.tag().orElseGet(() -> top.digest().toString());
        pushTree(store, top, target, from, tagOrDigest, listener);
        return top.digest();
    }

    /** Pushes {@code d} and its children, then puts {@code d} under {@code tagOrDigest}. */
    private void pushTree(ContentStore store, Descriptor d, Reference target, Reference from, String tagOrDigest,
                          PushListener listener) throws IOException {
        byte[] bytes = readDocument(store, d);
        ManifestReader.Document document;
        try {
            document = ManifestReader.read(bytes);
        } catch (ManifestException e) {
            throw new ManifestException(d.digest() + ": " + e.getMessage(), e);
        }
        String mediaType;
        switch (document) {
            case IndexDocument(Index index) -> {
                mediaType = index.mediaType();
                for (Descriptor child : index.manifests()) {
                    if (!MediaTypes.isManifest(child.mediaType()) && !MediaTypes.isIndex(child.mediaType())) {
                        throw new ManifestException(d.digest() + ": index entry " + child.digest()
                                + " has unsupported media type " + child.mediaType());
                    }
                    pushTree(store, child, target, from, child.digest().toString(), listener);
                }
            }
            case ManifestDocument(Manifest manifest) -> {
                mediaType = manifest.mediaType();
                pushBlobs(store, manifest, target, from, listener);
            }
        }
        BlobKind kind = document instanceof IndexDocument ? BlobKind.INDEX : BlobKind.MANIFEST;
        listener.blobStarted(d, kind);
        Digest pushed = client.putManifest(target, tagOrDigest, mediaType, bytes);
        if (!pushed.equals(d.digest())) {
            throw new ContentException(d.digest() + ": stored manifest bytes have digest " + pushed);
        }
        listener.manifestPushed(d, tagOrDigest);
    }

    private void pushBlobs(ContentStore store, Manifest manifest, Reference target, Reference from,
                           PushListener listener) throws IOException {
        Map<Digest, Descriptor> unique = new LinkedHashMap<>();
        unique.put(manifest.config().digest(), manifest.config());
        manifest.layers().forEach(l -> unique.putIfAbsent(l.digest(), l));
        List<Parallel.Task> tasks = new ArrayList<>();
        for (Descriptor d : unique.values()) {
            BlobKind kind = d == manifest.config() ? BlobKind.CONFIG : BlobKind.LAYER;
            tasks.add(() -> pushBlob(store, d, kind, target, from, listener));
        }
        Parallel.run(parallelism, "push", tasks);
    }

    /** Skip if present, else mount if possible, else upload. */
    private void pushBlob(ContentStore store, Descriptor d, BlobKind kind, Reference target, Reference from,
                          PushListener listener) throws IOException {
        listener.blobStarted(d, kind);
        Outcome outcome;
        if (client.blobExists(target, d.digest())) {
            outcome = Outcome.EXISTED;
        } else if (from != null && client.mountBlob(target, d.digest(), from.repository())) {
            outcome = Outcome.MOUNTED;
        } else {
            if (!store.contains(d.digest())) {
                throw new ContentException(d.digest() + ": " + kind.name().toLowerCase(java.util.Locale.ROOT)
                        + " blob not in the local store and not in " + target.name() + "; cannot push it");
            }
            client.pushBlob(target, d, store);
            outcome = Outcome.UPLOADED;
        }
        listener.blobDone(d, kind, outcome);
    }

    /** The stored bytes of a manifest or index, with its size checked (and capped) before reading. */
    private static byte[] readDocument(ContentStore store, Descriptor d) throws IOException {
        if (!store.contains(d.digest())) {
            throw new ContentException(d.digest() + ": " + d.mediaType() + " not in the local store"
                    + d.platform().map(p -> " (platform " + p + "; was only another platform pulled?)").orElse(""));
        }
        long size = store.size(d.digest());
        if (size != d.size() || size > RegistryClient.DEFAULT_MAX_MANIFEST_SIZE) {
            throw new ContentException(d.digest() + ": stored document is " + size + " bytes, descriptor says "
                    + d.size() + " (limit " + RegistryClient.DEFAULT_MAX_MANIFEST_SIZE + ")");
        }
        try (InputStream in = store.open(d.digest())) {
            return in.readAllBytes();
        }
    }
}
