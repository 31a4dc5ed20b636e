package dev.berth.image.service;

import dev.berth.image.layout.BundleWriter;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Platform;
import dev.berth.image.snapshot.LayerApplier;
import dev.berth.image.snapshot.Mounter;
import dev.berth.image.snapshot.MountSpec;
import dev.berth.image.snapshot.SnapshotInfo;
import dev.berth.image.snapshot.Snapshotter;
import dev.berth.image.layer.UnpackResult;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Images as snapshots: each layer unpacked once into a committed snapshot named by its chain ID,
 * and bundles whose rootfs is an overlay of those snapshots plus a writable one on top. As in
 * containerd, the snapshotter only describes mounts; this class performs them.
 *
 * <p>A mounted bundle records which snapshot it uses in {@code BUNDLE/.berth-mount}, so that
 * {@code unmount} needs nothing but the directory, and so that it never removes a snapshot or
 * unmounts a directory that berth did not set up there.
 */
final class ImageSnapshots {
    static final String MARKER = ".berth-mount";
    private static final String KEY_PREFIX = "bundle-";

    private final ImageService images;

    ImageSnapshots(ImageService images) {
        this.images = images;
    }

    /** Unpacks every layer not yet a snapshot; returns the chain ID of the top one. */
    Digest unpack(LocalImage image, SnapshotListener listener) throws IOException {
        return LayerApplier.apply(images.content(), image.manifest(), image.config().diffIds(), images.snapshotter(),
                adapt(image.manifest().layers(), listener));
    }

    /** The applier's progress (by layer index) as SnapshotListener calls (by layer descriptor). */
    static LayerApplier.Listener adapt(List<Descriptor> layers, SnapshotListener listener) {
        SnapshotListener l = listener == null ? SnapshotListener.NONE : listener;
        return new LayerApplier.Listener() {
            @Override
            public void skipped(int index, Digest chainId) {
                l.extracted(layers.get(index), true);
            }

            @Override
            public void applied(int index, Digest chainId, UnpackResult result) {
                l.extracted(layers.get(index), false);
            }
        };
    }

    /**
     * Prepares a writable snapshot on the image, mounts it at BUNDLE/rootfs, writes BUNDLE/config.json.
     * A failure takes back everything this call made: the mount, the snapshot, rootfs, and the bundle
     * directory itself if it did not exist before.
     */
    void mount(String nameOrId, Path bundle, Platform platform) throws IOException {
        LocalImage image = images.find(nameOrId, platform);
        Digest top = unpack(image, SnapshotListener.NONE);
        Path dir = bundle.toAbsolutePath().normalize();
        Path marker = dir.resolve(MARKER);
        if (Files.exists(marker)) {
            throw new ImageException(dir + " is mounted already (" + MARKER + " exists); unmount it first");
        }
        Path rootfs = dir.resolve("rootfs");
        if (Files.exists(rootfs) && isNonEmptyDirectory(rootfs)) {
            throw new ImageException(rootfs + " exists and is not empty");
        }
        boolean createdDir = !Files.exists(dir);
        boolean createdRootfs = !Files.exists(rootfs);
        Step dropRootfs = () -> {
            if (createdRootfs) {
                Files.deleteIfExists(rootfs);
            }
        };
        Step dropDir = () -> {
            if (createdDir) {
                Files.deleteIfExists(dir);
            }
        };
        Files.createDirectories(rootfs);
        String key = KEY_PREFIX + Digest.of("sha256", dir.toString().getBytes(StandardCharsets.UTF_8)).hex()
                .substring(0, 24);
        Snapshotter snapshotter = images.snapshotter();
        List<MountSpec> mounts;
        try {
            mounts = snapshotter.prepare(key, Optional.of(top.toString()));
        } catch (IOException | RuntimeException e) {
            undo(e, dropRootfs, dropDir);
            throw e;
        }
        Step dropSnapshot = () -> snapshotter.remove(key);
        try {
            Mounter.mount(mounts, rootfs);
        } catch (RuntimeException e) {
            undo(e, dropSnapshot, dropRootfs, dropDir);
            throw e;
        }
        try {
            BundleWriter.writeConfig(images.content(), image.manifest().config(), rootfs, dir.resolve("config.json"));
            writeMarker(marker, key);
        } catch (IOException | RuntimeException e) {
            undo(e, () -> Mounter.unmount(rootfs), dropSnapshot, dropRootfs,
                    () -> Files.deleteIfExists(dir.resolve("config.json")),
                    () -> Files.deleteIfExists(marker.resolveSibling(MARKER + ".tmp")), dropDir);
            throw e;
        }
    }

    /** Unmounts BUNDLE/rootfs and removes the writable snapshot and the files mount wrote. */
    void unmount(Path bundle) throws IOException {
        Path dir = bundle.toAbsolutePath().normalize();
        Path marker = dir.resolve(MARKER);
        Properties recorded = new Properties();
        try (var in = Files.newBufferedReader(marker)) {
            recorded.load(in);
        } catch (NoSuchFileException e) {
            throw new ImageException(dir + " was not mounted by berth image mount (no " + MARKER + ")");
        }
        String key = recorded.getProperty("snapshot", "");
        String root = recorded.getProperty("root", "");
        if (!key.startsWith(KEY_PREFIX) || !root.equals(images.root().toAbsolutePath().normalize().toString())) {
            throw new ImageException(marker + ": made for snapshot '" + key + "' under " + root
                    + ", not by this berth root (" + images.root() + ")");
        }
        Snapshotter snapshotter = images.snapshotter();
        Optional<SnapshotInfo> info = snapshotter.stat(key);
        Path rootfs = dir.resolve("rootfs");
        if (info.isPresent() && isMountPoint(rootfs)) {
            Mounter.unmount(rootfs);
        }
        if (info.isPresent()) {
            snapshotter.remove(key);
        }
        Files.deleteIfExists(dir.resolve("config.json"));
        Files.deleteIfExists(rootfs);
        Files.delete(marker);
    }

    private void writeMarker(Path marker, String key) throws IOException {
        Properties p = new Properties();
        p.setProperty("snapshot", key);
        p.setProperty("root", images.root().toAbsolutePath().normalize().toString());
        Path temp = marker.resolveSibling(MARKER + ".tmp");
        try (var out = Files.newBufferedWriter(temp)) {
            p.store(out, "written by berth image mount; berth image unmount reads it");
        }
        Files.move(temp, marker, StandardCopyOption.ATOMIC_MOVE);
    }

    /** True if {@code dir} is listed as a mount point in /proc/self/mountinfo (proc(5), field 5). */
    static boolean isMountPoint(Path dir) throws IOException {
        String wanted = dir.toRealPath().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            // Octal escapes (\040 for a space) as the kernel writes them in mountinfo.
            if (fields.length > 4 && unescapeMountinfo(fields[4]).equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** A mountinfo field with the kernel's octal escapes (\040 for a space) decoded. */
    static String unescapeMountinfo(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isNonEmptyDirectory(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    /** Runs clean-up steps after {@code failure}; their own failures are attached, not thrown. */
    private static void undo(Exception failure, Step... steps) {
        for (Step step : steps) {
            try {
                step.run();
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
