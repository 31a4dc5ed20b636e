package dev.berth.image.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.linux.FileSystemCalls;
import dev.berth.linux.OverlayMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe mounts a scratch overlay for real; /tmp is the VM's ext4 root filesystem. */
class SnapshottersTest {
    @TempDir
    Path dir;

    @Test
    void anExt4RootGetsTheOverlaySnapshotterAndTheProbeCleansUp() throws IOException {
        Path root = dir.resolve("root");
        assertNull(Snapshotters.whyNotOverlay(Files.createDirectories(root)));
        assertInstanceOf(OverlaySnapshotter.class, Snapshotters.probe(root));
        assertEquals(List.of("snapshots"), list(root), "no probe directory left");
        assertTrue(mountInfo().stream().noneMatch(l -> l.contains(" " + root)), "no probe mount left");
    }

    @Test
    void aRootOnOverlayfsGetsTheCopySnapshotterAndSaysWhy() throws IOException {
        Path lower = Files.createDirectory(dir.resolve("lower"));
        Path upper = Files.createDirectory(dir.resolve("upper"));
        Path work = Files.createDirectory(dir.resolve("work"));
        Path merged = Files.createDirectory(dir.resolve("merged"));
        OverlayMount.mount(List.of(lower), upper, work, List.of(), 0, merged);
        try {
            Path root = merged.resolve("root");
            String reason = Snapshotters.whyNotOverlay(Files.createDirectories(root));
            assertEquals(root + " is itself on overlayfs, which cannot hold an overlay upper directory", reason);
            assertInstanceOf(CopySnapshotter.class, Snapshotters.probe(root));
        } finally {
            FileSystemCalls.umount2(merged, 0);
        }
    }

    @Test
    void aRootWithSnapshotsKeepsTheSnapshotterThatMadeThem() throws IOException {
        Path root = dir.resolve("root");
        CopySnapshotter copy = new CopySnapshotter(root);
        SnapshotterTest.committed(copy, "base", null);
        assertInstanceOf(CopySnapshotter.class, Snapshotters.probe(root), "overlay would work, but copy made these");
        assertEquals(1, Snapshotters.probe(root).list().size());
    }

    private static List<String> list(Path directory) throws IOException {
        try (Stream<Path> s = Files.list(directory)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> mountInfo() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo"));
    }
}
