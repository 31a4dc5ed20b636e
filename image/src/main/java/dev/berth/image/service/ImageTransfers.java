package dev.berth.image.service;

import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Platform;
import dev.berth.image.names.ImageRecord;
import dev.berth.image.registry.ImagePuller;
import dev.berth.image.registry.ImagePusher;
import dev.berth.image.registry.PullListener;
import dev.berth.image.registry.PullResult;
import dev.berth.image.registry.PushListener;
import dev.berth.image.registry.Reference;
import dev.berth.image.registry.RegistryClient;
import dev.berth.image.store.Digest;
import java.io.IOException;
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
        PullResult result;
        try (RegistryClient client = client()) {
            result = new ImagePuller(client, images.content()).pull(reference, platform, pullListener);
        }
        LocalImage image = images.resolver().load(result.top(), platform);
        if (unpack) {
            images.snapshots().unpack(image, unpackListener);
        }
        Optional<ImageRecord> before = images.names().put(reference.toString(), result.top());
        boolean changed = before.isEmpty() || !before.get().target().digest().equals(result.top().digest());
        return new PulledImage(reference.toString(), images.resolver().load(result.top(), platform), changed);
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
