package dev.berth.image.snapshot;

import dev.berth.linux.FileSystemCalls;
import dev.berth.linux.OverlayMount;
import dev.berth.linux.SyscallException;
import dev.berth.linux.Xattrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Chooses the snapshotter a root can support. */
public final class Snapshotters {
    private static final Path PROC_FILESYSTEMS = Path.of("/proc/filesystems");

    private Snapshotters() {
    }

    /**
     * An {@link OverlaySnapshotter} if the kernel lists overlayfs in /proc/filesystems and
     * {@code root}'s filesystem can be an overlay upper directory, else a {@link CopySnapshotter}.
     * The upper test is a real one: overlayfs itself cannot be an upper (its own whiteouts and
     * xattrs would be interpreted), and neither can a filesystem without trusted.* xattrs, so a
     * scratch overlay is mounted under root and unmounted again. A root that holds snapshots
     * already keeps the snapshotter that made them (the two lay directories out differently).
     * The choice and its reason are logged.
     */
    public static Snapshotter probe(Path root) throws IOException {
        Files.createDirectories(root);
        System.Logger log = System.getLogger(Snapshotters.class.getName());
        Path metadata = root.resolve("metadata.json");
        if (Files.exists(metadata)) {
            // Replaced by rename only, so readable without the lock.
            String driver = SnapshotMetadata.read(Files.readAllBytes(metadata), metadata.toString()).driver();
            if ("overlay".equals(driver) || "copy".equals(driver)) {
                log.log(System.Logger.Level.INFO, "snapshotter for {0}: {1}, which made the snapshots there", root,
                        driver);
                return driver.equals("overlay") ? new OverlaySnapshotter(root) : new CopySnapshotter(root);
            }
        }
        String reason = whyNotOverlay(root);
        if (reason == null) {
            log.log(System.Logger.Level.INFO, "snapshotter for {0}: overlay (overlayfs is available and {0} can"
                    + " hold upper directories)", root);
            return new OverlaySnapshotter(root);
        }
        log.log(System.Logger.Level.INFO, "snapshotter for {0}: copy, because {1}", root, reason);
        return new CopySnapshotter(root);
    }

    /** Null if overlay snapshots work under {@code root}, else why not. */
    static String whyNotOverlay(Path root) throws IOException {
        List<String> filesystems = Files.readAllLines(PROC_FILESYSTEMS);
        if (filesystems.stream().noneMatch(l -> l.endsWith("\toverlay"))) {
            return "overlayfs is not in " + PROC_FILESYSTEMS + " (module not loaded or not built)";
        }
        if (FileSystemCalls.statfsType(root) == FileSystemCalls.OVERLAYFS_SUPER_MAGIC) {
            return root + " is itself on overlayfs, which cannot hold an overlay upper directory";
        }
        Path probe = root.resolve("probe-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Path lower = Files.createDirectories(probe.resolve("lower"));
            Path upper = Files.createDirectories(probe.resolve("upper/dir"));
            Path work = Files.createDirectory(probe.resolve("work"));
            Path merged = Files.createDirectory(probe.resolve("merged"));
            // What a layer unpacked in Mode.OVERLAY needs besides the mount: trusted.* xattrs and mknod.
            Xattrs.set(upper, "trusted.overlay.opaque", new byte[] {'y'});
            FileSystemCalls.mknod(upper.resolveSibling("whiteout"), FileSystemCalls.S_IFCHR, 0, 0);
            OverlayMount.mount(List.of(lower), upper.getParent(), work, List.of("index=off"), 0, merged);
            FileSystemCalls.umount2(merged, 0);
            return null;
        } catch (SyscallException e) {
            return "a trial overlay under " + root + " failed: " + e.getMessage();
        } finally {
            TreeCopier.deleteTree(probe);
        }
    }
}
