package dev.berth.image.snapshot;

import dev.berth.image.layer.Mode;
import dev.berth.image.snapshot.SnapshotInfo.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Snapshots as overlayfs layers, containerd's default design: each snapshot directory holds
 * {@code fs} (the layer's own files; the upper dir while active) and {@code work} (overlayfs'
 * workdir, same filesystem as the upper, as overlayfs.rst requires). Nothing is copied: an active
 * snapshot is an overlay of its parents' {@code fs} directories under its own.
 *
 * <p>Layers are unpacked in {@link Mode#OVERLAY}, so whiteouts are already overlayfs' 0/0
 * devices and opaque xattrs. The root must be on a filesystem that can be an overlay upper
 * (trusted.* xattrs, d_type: ext4, xfs, btrfs, tmpfs; not overlayfs or NFS): see
 * {@link Snapshotters#probe}.
 */
public final class OverlaySnapshotter extends BaseSnapshotter {

    public OverlaySnapshotter(Path root) throws IOException {
        super(root, "overlay");
    }

    @Override
    void populate(Path directory, Kind kind, List<Path> parentChain) throws IOException {
        Files.createDirectory(directory.resolve("fs"));
        if (kind == Kind.ACTIVE) {
            Files.createDirectory(directory.resolve("work"));
        }
    }

    @Override
    List<MountSpec> mounts(Path directory, Kind kind, List<Path> parentChain) {
        Path fs = directory.resolve("fs");
        if (kind == Kind.ACTIVE) {
            if (parentChain.isEmpty()) {
                return List.of(bind(fs, "rw"));
            }
            // index=off: with the index on, overlayfs ties an upper dir to its lowers' file handles
            // and refuses (ESTALE) when the same lowers appear in another stack (overlayfs.rst,
            // "Sharing and copying layers"); containerd turns it off for the same reason.
            return List.of(new MountSpec("overlay", "overlay", List.of("index=off",
                    "workdir=" + directory.resolve("work"), "upperdir=" + fs, "lowerdir=" + lowerdir(parentChain))));
        }
        List<Path> layers = new ArrayList<>();
        if (kind == Kind.COMMITTED) {
            layers.add(directory);
        }
        layers.addAll(parentChain);
        if (layers.size() == 1) {
            // overlayfs without an upper dir wants two lowers at least: one layer is a bind.
            return List.of(bind(layers.getFirst().resolve("fs"), "ro"));
        }
        return List.of(new MountSpec("overlay", "overlay", List.of("ro", "lowerdir=" + lowerdir(layers))));
    }

    private static String lowerdir(List<Path> snapshotDirectoriesTopFirst) {
        return snapshotDirectoriesTopFirst.stream().map(d -> d.resolve("fs").toString())
                .collect(Collectors.joining(":"));
    }

    private static MountSpec bind(Path source, String access) {
        return new MountSpec("bind", source.toString(), List.of("rbind", access));
    }

    @Override
    public boolean canStage() {
        return true;
    }

    @Override
    public Path stage() throws IOException {
        return newStagingDirectory();
    }

    @Override
    public void commitStaged(String name, Optional<String> parent, Path staged) throws IOException {
        recordStaged(name, parent, staged);
    }

    @Override
    public List<Path> layerDirectories(String key) throws IOException {
        return chainDirectories(key);
    }

    @Override
    public void discardStaged(Path staged) throws IOException {
        deleteStaged(staged);
    }

    @Override
    public Mode unpackMode() {
        return Mode.OVERLAY;
    }
}
