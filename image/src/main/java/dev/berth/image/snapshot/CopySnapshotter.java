package dev.berth.image.snapshot;

import dev.berth.image.layer.Mode;
import dev.berth.image.snapshot.SnapshotInfo.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The fallback when overlayfs is unavailable (containerd's "native" snapshotter): each snapshot
 * directory's {@code fs} is a full copy of its parent's tree with the layer applied on top in
 * {@link Mode#FLATTEN}, so whiteouts delete. Costs disk and time per layer, needs only a
 * filesystem that keeps owners, modes, xattrs and device nodes. Mounts are bind mounts.
 */
public final class CopySnapshotter extends BaseSnapshotter {

    public CopySnapshotter(Path root) throws IOException {
        super(root, "copy");
    }

    @Override
    void populate(Path directory, Kind kind, List<Path> parentChain) throws IOException {
        Path fs = directory.resolve("fs");
        if (parentChain.isEmpty()) {
            Files.createDirectory(fs);
        } else {
            TreeCopier.copy(parentChain.getFirst().resolve("fs"), fs);
        }
    }

    @Override
    List<MountSpec> mounts(Path directory, Kind kind, List<Path> parentChain) {
        return List.of(new MountSpec("bind", directory.resolve("fs").toString(),
                List.of("rbind", kind == Kind.ACTIVE ? "rw" : "ro")));
    }

    @Override
    public Mode unpackMode() {
        return Mode.FLATTEN;
    }
}
