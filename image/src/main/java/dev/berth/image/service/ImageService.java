package dev.berth.image.service;

import dev.berth.image.layout.BundleWriter;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Platform;
import dev.berth.image.names.ImageNames;
import dev.berth.image.names.ImageRecord;
import dev.berth.image.registry.PullListener;
import dev.berth.image.registry.PushListener;
import dev.berth.image.registry.Reference;
import dev.berth.image.snapshot.Snapshotter;
import dev.berth.image.snapshot.Snapshotters;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Berth's images, as the CLI and (later) the engine see them: names over a content store plus
 * snapshots, on disk under one root:
 * <pre>
 *   root/images.json   names -> manifest or index descriptors (ImageNames)
 *   root/content/      blobs by digest, ingest area (ContentStore)
 *   root/snapshots/    unpacked layers by chain ID, writable layers of mounted bundles
 * </pre>
 * Each operation is a short pipeline over those three; registry transfer, archives and snapshots
 * live in their own packages and are only composed here.
 */
public final class ImageService {
    private final Path root;
    private final ContentStore store;
    private final ImageNames names;
    private final ImageResolver resolver;
    private final RegistryOptions registryOptions;
    private final GcLock gcLock;
    private Snapshotter snapshotter;

    private ImageService(Path root, RegistryOptions registryOptions) throws IOException {
        this.root = root;
        this.store = new ContentStore(root.resolve("content"));
        this.names = new ImageNames(root);
        this.resolver = new ImageResolver(store, names, text -> Reference.parse(text).toString());
        this.registryOptions = registryOptions;
        this.gcLock = GcLock.of(root);
    }

    public static ImageService open(Path root, RegistryOptions registryOptions) throws IOException {
        return new ImageService(root, registryOptions);
    }

    public Path root() {
        return root;
    }

    public ContentStore content() {
        return store;
    }

    RegistryOptions registryOptions() {
        return registryOptions;
    }

    ImageNames names() {
        return names;
    }

    ImageResolver resolver() {
        return resolver;
    }

    /** The snapshotter, probed on first use (a pull without unpacking never needs one). */
    synchronized Snapshotter snapshotter() throws IOException {
        if (snapshotter == null) {
            snapshotter = Snapshotters.probe(root.resolve("snapshots"));
        }
        return snapshotter;
    }

    /** Every named image, one entry per distinct image, resolved to {@code platform}. */
    public List<LocalImage> list(Platform platform) throws IOException {
        return resolver.all(platform);
    }

    /** The image a name or ID denotes. */
    public LocalImage find(String nameOrId, Platform platform) throws IOException {
        return resolver.find(nameOrId, platform);
    }

    /** {@code image inspect}: a JSON array, one object per argument, in Docker's shape. */
    public String inspectJson(List<String> namesOrIds, Platform platform) throws IOException {
        List<LocalImage> images = new ArrayList<>();
        for (String nameOrId : namesOrIds) {
            images.add(resolver.findAny(nameOrId, platform));
        }
        return InspectJson.write(images, store);
    }

    /** {@code image history}: the build steps of the image a name or ID denotes, newest first. */
    public List<HistoryEntry> history(String nameOrId, Platform platform) throws IOException {
        return ImageHistory.of(resolver.find(nameOrId, platform), store);
    }

    /** Points {@code target} (normalised) at the image {@code source} names. */
    public void tag(String source, String target) throws IOException {
        Descriptor top = topOf(source);
        names.put(Reference.parse(target).toString(), top);
    }

    /**
     * Removes a name, or every name of an ID with {@code force}; then deletes what no name reaches.
     *
     * @return docker rmi's lines: "Untagged: NAME" for each name, "Deleted: DIGEST" for each blob
     */
    public List<String> remove(String nameOrId, boolean force) throws IOException {
        return remove(nameOrId, force, true);
    }

    /**
     * As {@link #remove(String, boolean)}; with {@code prune} false only the names go (docker rmi
     * --no-prune): content no name reaches any more stays until {@link #prune}.
     */
    public List<String> remove(String nameOrId, boolean force, boolean prune) throws IOException {
        List<String> lines = new ArrayList<>();
        ImageRecord named = resolver.byName(nameOrId);
        if (named != null) {
            names.remove(named.name());
            lines.add("Untagged: " + Reference.parse(named.name()).familiar());
        } else {
            LocalImage image = resolver.find(nameOrId, Platform.current());
            if (image.names().size() > 1 && !force) {
                throw new ImageException("image " + nameOrId + " has several names " + image.names()
                        + "; remove them one by one or use --force");
            }
            for (String name : image.names()) {
                names.remove(name);
                lines.add("Untagged: " + Reference.parse(name).familiar());
            }
        }
        if (!prune) {
            return lines;
        }
        // Collect what the removed names held, unless a pull or mount runs: it may be building on
        // the same content, and `image prune` later collects whatever stays unreferenced.
        try (GcLock.Held held = gcLock.tryExclusive()) {
            if (held != null) {
                for (Digest d : new ImageGc(store, names, resolver, snapshotter()).collect().removedBlobs()) {
                    lines.add("Deleted: " + d);
                }
            }
        }
        return lines;
    }

    /** Garbage collection: blobs and snapshots no name reaches. */
    public PruneReport prune() throws IOException {
        try (GcLock.Held held = gcLock.exclusive()) {
            return new ImageGc(store, names, resolver, snapshotter()).collect();
        }
    }

    /** {@code image unpack}: a bundle of plain files, DIR/rootfs flattened plus DIR/config.json. */
    public void unpack(String nameOrId, Path bundleDir, Platform platform) throws IOException {
        try (GcLock.Held held = gcLock.shared()) {
            BundleWriter.unpack(store, topOf(nameOrId), platform, bundleDir);
        }
    }

    /**
     * {@code image pull}: fetches {@code name} (normalised: {@code busybox} is
     * docker.io/library/busybox:latest) for {@code platform}, verifies every blob into the content
     * store, unpacks the layers into snapshots if {@code unpack}, then points the name at it.
     */
    public PulledImage pull(String name, Platform platform, boolean unpack, PullListener pullListener,
                            SnapshotListener unpackListener) throws IOException {
        try (GcLock.Held held = gcLock.shared()) {
            return new ImageTransfers(this).pull(name, platform, unpack, pullListener, unpackListener);
        }
    }

    /**
     * {@code image pull --all-tags}: the tags of the repository {@code name} names (a tag or
     * digest in it is ignored), in the registry's order.
     */
    public List<String> listTags(String name) throws IOException {
        return new ImageTransfers(this).listTags(name);
    }

    /** {@code image push}: the image {@code source} names to {@code target} (default: its own name). */
    public Digest push(String source, String target, PushListener listener) throws IOException {
        return new ImageTransfers(this).push(source, target, listener);
    }

    /** {@code image mount}: a bundle whose rootfs is an overlay of the image's snapshots plus a writable layer. */
    public void mount(String nameOrId, Path bundle, Platform platform) throws IOException {
        try (GcLock.Held held = gcLock.shared()) {
            snapshots().mount(nameOrId, bundle, platform);
        }
    }

    /** {@code image unmount}: undoes {@link #mount}, dropping the writable layer. */
    public void unmount(Path bundle) throws IOException {
        snapshots().unmount(bundle);
    }

    ImageSnapshots snapshots() {
        return new ImageSnapshots(this);
    }

    /** {@code image save}: a docker save tar of the images to {@code out} (left open). */
    public void save(List<String> namesOrIds, OutputStream out) throws IOException {
        new ImageArchives(this).save(namesOrIds, out);
    }

    /** {@code image load}: images from a docker save tar; returns "Loaded image: NAME" lines. */
    public List<String> load(InputStream in) throws IOException {
        try (GcLock.Held held = gcLock.shared()) {
            return new ImageArchives(this).load(in);
        }
    }

    /**
     * {@code image import}: an OCI layout (directory or tar), or a root filesystem tar made into a
     * one-layer image with {@code cmd} and {@code labels} in its config.
     */
    public List<String> importImage(Path source, String name, List<String> cmd, Map<String, String> labels)
            throws IOException {
        try (GcLock.Held held = gcLock.shared()) {
            return new ImageArchives(this).importImage(source, name, cmd, labels);
        }
    }

    /** {@code image export}: an OCI layout directory, or a tar when {@code dest} ends in .tar. */
    public void export(List<String> namesOrIds, Path dest) throws IOException {
        new ImageArchives(this).export(namesOrIds, dest);
    }

    Descriptor topOf(String nameOrId) throws IOException {
        ImageRecord named = resolver.byName(nameOrId);
        if (named != null) {
            return named.target();
        }
        return resolver.find(nameOrId, Platform.current()).top();
    }
}
