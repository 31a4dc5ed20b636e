package dev.berth.image.service;

import dev.berth.image.config.ImageConfigException;
import dev.berth.image.config.ImageConfigReader;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Manifest;
import dev.berth.image.manifest.Platform;
import dev.berth.image.names.ImageRecord;
import dev.berth.image.registry.BlobKind;
import dev.berth.image.registry.ImagePuller;
import dev.berth.image.registry.ImagePusher;
import dev.berth.image.registry.PullListener;
import dev.berth.image.registry.PullResult;
import dev.berth.image.registry.PushListener;
import dev.berth.image.registry.Reference;
import dev.berth.image.registry.RegistryClient;
import dev.berth.image.snapshot.LayerStaging;
import dev.berth.image.snapshot.Snapshotter;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Pull and push: the registry package moves and verifies the bytes; this class names what was
 * pulled (only once everything is in the store, so an interrupted pull names nothing) and, when
 * asked, unpacks it into snapshots right away, as docker pull does.
 */
final class ImageTransfers {
    private final ImageService images;

    ImageTransfers(ImageService images) {
        this.images = images;
    }

    PulledImage pull(String name, Platform platform, boolean unpack, PullListener pullListener,
                     SnapshotListener unpackListener) throws IOException {
        Reference reference = Reference.parse(name);
        UnpackAsLayersArrive overlap = unpack ? new UnpackAsLayersArrive(pullListener) : null;
        try {
            PullResult result;
            try (RegistryClient client = client()) {
                result = new ImagePuller(client, images.content()).pull(reference, platform,
                        overlap != null ? overlap : pullListener);
            }
            LocalImage image = images.resolver().load(result.top(), platform);
            if (overlap != null && overlap.staging != null) {
                overlap.staging.commit(ImageSnapshots.adapt(image.manifest().layers(), unpackListener));
            } else if (unpack) {
                images.snapshots().unpack(image, unpackListener);
            }
            Optional<ImageRecord> before = images.names().put(reference.toString(), result.top());
            boolean changed = before.isEmpty() || !before.get().target().digest().equals(result.top().digest());
            // Loaded again: the names are part of the image and it has one more now.
            return new PulledImage(reference.toString(), images.resolver().load(result.top(), platform), changed);
        } finally {
            if (overlap != null) {
                overlap.close();
            }
        }
    }

    /**
     * Starts unpacking each layer the moment its download is verified, while the others still
     * download (docker pull overlaps them the same way); the pull commits the snapshots in order at
     * the end. Forwards every call to the caller's listener.
     */
    private final class UnpackAsLayersArrive implements PullListener {
        private final PullListener delegate;
        private volatile LayerStaging staging;

        UnpackAsLayersArrive(PullListener delegate) {
            this.delegate = delegate == null ? PullListener.NONE : delegate;
        }

        @Override
        public void resolved(Reference reference, Digest digest) {
            delegate.resolved(reference, digest);
        }

        @Override
        public void blobStarted(Descriptor descriptor, BlobKind kind) {
            delegate.blobStarted(descriptor, kind);
        }

        @Override
        public void blobProgress(Descriptor descriptor, long bytesSoFar) {
            delegate.blobProgress(descriptor, bytesSoFar);
        }

        @Override
        public void layersNext(Manifest manifest) throws IOException {
            delegate.layersNext(manifest);
            // Only now: a pull that fails before its layers leaves no snapshot directories.
            Snapshotter snapshotter = images.snapshotter();
            if (!snapshotter.canStage()) {
                return; // copy snapshots are made one on top of the other, after the download
            }
            List<Digest> diffIds;
            try (InputStream in = images.content().open(manifest.config().digest())) {
                diffIds = ImageConfigReader.summary(in.readAllBytes(), manifest.config().digest().toString()).diffIds();
            } catch (ImageConfigException e) {
                throw new ImageException(e.getMessage(), e);
            }
            staging = new LayerStaging(images.content(), snapshotter, manifest.layers(), diffIds);
        }

        @Override
        public void blobDone(Descriptor descriptor, boolean alreadyPresent) {
            delegate.blobDone(descriptor, alreadyPresent);
            LayerStaging s = staging;
            if (s != null && descriptor.layerType().isPresent()) {
                s.layerAvailable(descriptor.digest());
            }
        }

        void close() {
            if (staging != null) {
                staging.close();
            }
        }
    }

    /**
     * Pushes the image {@code source} names to {@code target} (by default the source's own name).
     * Blobs are mounted from the source's repository when it is on the same registry.
     */
    Digest push(String source, String target, PushListener listener) throws IOException {
        ImageRecord named = images.resolver().byName(source);
        Descriptor top = named != null ? named.target() : images.find(source, Platform.current()).top();
        Reference to;
        if (target != null) {
            to = Reference.parse(target);
        } else if (named != null) {
            to = Reference.parse(named.name());
        } else {
            throw new ImageException("push " + source + ": an image ID has no repository; give a target name");
        }
        Reference mountFrom = named != null ? Reference.parse(named.name()) : null;
        if (mountFrom != null && mountFrom.repository().equals(to.repository())
                && mountFrom.registry().equals(to.registry())) {
            mountFrom = null;
        }
        try (RegistryClient client = client()) {
            return new ImagePusher(client).push(images.content(), top, to, mountFrom, listener);
        }
    }

    List<String> listTags(String name) throws IOException {
        Reference repository = Reference.parse(name);
        try (RegistryClient client = client()) {
            return client.listTags(repository);
        }
    }

    private RegistryClient client() throws IOException {
        RegistryClient.Builder builder = RegistryClient.builder();
        for (String host : images.registryOptions().insecureRegistries()) {
            builder.insecure(host);
        }
        if (images.registryOptions().dockerConfig() != null) {
            builder.dockerConfig(images.registryOptions().dockerConfig());
        }
        return builder.build();
    }
}
