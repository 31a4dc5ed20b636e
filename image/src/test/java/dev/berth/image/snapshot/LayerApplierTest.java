package dev.berth.image.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.image.layer.TarBuilder;
import dev.berth.image.layer.UnpackResult;
import dev.berth.image.snapshot.SnapshotInfo.Kind;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import dev.berth.linux.FileSystemCalls;
import dev.berth.linux.Xattrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Layers applied into snapshots, then mounted for real as a container's root filesystem, as root.
 * The temp dir is under /tmp, the VM's ext4 root filesystem: a valid overlay upper (trusted.*
 * xattrs, d_type), which an overlay- or NFS-backed /tmp would not be. Every mount is undone in
 * finally.
 */
class LayerApplierTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir
    Path dir;
    private ContentStore store;
    private Path snapshotRoot;

    @BeforeEach
    void setUp() throws IOException {
        store = new ContentStore(dir.resolve("content"));
        snapshotRoot = dir.resolve("snapshots-root");
    }

    private Snapshotter snapshotter(String kind) throws IOException {
        return kind.equals("overlay") ? new OverlaySnapshotter(snapshotRoot) : new CopySnapshotter(snapshotRoot);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void threeLayersMountAsTheMergedTreeAndAContainerWritesOnlyItsOwnLayer(String kind) throws IOException {
        Snapshotter s = snapshotter(kind);
        TestImage image = TestImage.threeLayers(store);
        Counting listener = new Counting();

        Digest top = LayerApplier.apply(store, image.manifest(), image.diffIds(), s, listener);

        assertEquals(ChainIds.of(image.diffIds()).getLast(), top);
        assertEquals(3, listener.applied.get());
        assertEquals(ChainIds.of(image.diffIds()).stream().map(Digest::toString).sorted().toList(),
                s.list().stream().filter(i -> i.kind() == Kind.COMMITTED).map(SnapshotInfo::key).sorted().toList());
        assertEquals(3, s.list().size(), "no extraction snapshot is left");

        Path rootfs = Files.createDirectory(dir.resolve("rootfs"));
        Mounter.mount(s.prepare("container", Optional.of(top.toString())), rootfs);
        try {
            assertEquals(kind.equals("overlay"), FileSystemCalls.statfsType(rootfs) == FileSystemCalls.OVERLAYFS_SUPER_MAGIC);
            assertMergedTree(rootfs);
            Files.writeString(rootfs.resolve("written"), "by the container");
            Files.delete(rootfs.resolve("etc/passwd"));
            assertEquals("by the container", Files.readString(s.unpackDirectory("container").resolve("written")));
        } finally {
            Mounter.unmount(rootfs);
        }
        assertEquals(List.of(), list(rootfs), "unmounted");
        for (SnapshotInfo committed : s.list().stream().filter(i -> i.kind() == Kind.COMMITTED).toList()) {
            assertFalse(Files.exists(committed.path().resolve("fs/written")), committed.key() + " untouched");
        }
        Path bottom = s.stat(image.diffIds().getFirst().toString()).orElseThrow().path();
        assertTrue(Files.exists(bottom.resolve("fs/etc/passwd")), "a deletion in the container stays in it");

        Counting again = new Counting();
        assertEquals(top, LayerApplier.apply(store, image.manifest(), image.diffIds(), s, again));
        assertEquals(3, again.skipped.get());
        assertEquals(0, again.applied.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void aHardlinkToAFileOfALowerLayerWorksAsOverlayfsWouldMakeIt(String kind) throws IOException {
        Snapshotter s = snapshotter(kind);
        byte[] bottom = new TarBuilder().dir("usr", 0755).dir("usr/bin", 0750)
                .file("usr/bin/tool", "tool\n", 04755, e -> { }).bytes();
        // A layer whose hardlink names a file it does not carry: image-spec allows it, and in
        // overlay form the file must be copied up from the layer below before linking.
        byte[] top = new TarBuilder().hardlink("tool-link", "usr/bin/tool").bytes();
        TestImage image = TestImage.of(store, List.of(bottom, top));

        Digest chain = LayerApplier.apply(store, image.manifest(), image.diffIds(), s, LayerApplier.Listener.NONE);

        Path rootfs = Files.createDirectory(dir.resolve("rootfs"));
        Mounter.mount(s.prepare("container", Optional.of(chain.toString())), rootfs);
        try {
            assertEquals("tool\n", Files.readString(rootfs.resolve("tool-link")));
            assertEquals(Files.getAttribute(rootfs.resolve("usr/bin/tool"), "unix:ino"),
                    Files.getAttribute(rootfs.resolve("tool-link"), "unix:ino"), "one inode, as the layer says");
            assertEquals(04755, mode(rootfs.resolve("usr/bin/tool")) & 07777, "the copy keeps the mode");
            assertEquals(0750, mode(rootfs.resolve("usr/bin")) & 07777, "and its parents' modes");
        } finally {
            Mounter.unmount(rootfs);
        }
        assertEquals(2, s.list().stream().filter(i -> i.kind() == Kind.COMMITTED).count());
    }

    @Test
    void aHardlinkThroughASymlinkOfALowerLayerIsRefusedNotFollowed() throws IOException {
        Snapshotter s = snapshotter("overlay");
        // Copying lnk/hostname up would read through lnk, i.e. the host's /etc.
        byte[] bottom = new TarBuilder().symlink("lnk", "/etc").bytes();
        byte[] top = new TarBuilder().hardlink("stolen", "lnk/hostname").bytes();
        TestImage image = TestImage.of(store, List.of(bottom, top));

        SnapshotException e = assertThrows(SnapshotException.class,
                () -> LayerApplier.apply(store, image.manifest(), image.diffIds(), s, LayerApplier.Listener.NONE));

        assertTrue(e.getMessage().contains("hardlink 'stolen'"), e.getMessage());
        assertEquals(List.of(image.diffIds().getFirst().toString()),
                s.list().stream().map(SnapshotInfo::key).toList(), "only the bottom layer was committed");
        try (var left = Files.list(snapshotRoot.resolve("snapshots"))) {
            assertEquals(1, left.count(), "no staging directory left");
        }
    }

    private static void assertMergedTree(Path rootfs) throws IOException {
        assertFalse(Files.exists(rootfs.resolve("gone.txt"), NOFOLLOW), "whited out by layer 2");
        assertEquals(List.of("new"), list(rootfs.resolve("opaque")), "opaque: only layer 2's children");
        assertEquals(0750, mode(rootfs.resolve("opaque")) & 07777);
        assertEquals(List.of("bin", "dev", "etc", "opaque", "tmp"), list(rootfs));
        assertEquals("hello\n", Files.readString(rootfs.resolve("etc/motd")));
        assertEquals(Files.getAttribute(rootfs.resolve("etc/motd"), "unix:ino"),
                Files.getAttribute(rootfs.resolve("etc/motd-link"), "unix:ino"), "a hardlink stays one inode");
        assertEquals(01777, mode(rootfs.resolve("tmp")) & 07777);
        assertEquals(04755, mode(rootfs.resolve("bin/tool")) & 07777);
        assertArrayEquals(new byte[] {'t'}, Xattrs.get(rootfs.resolve("bin/tool"), "trusted.berth").orElseThrow());
        assertEquals(FileSystemCalls.S_IFCHR, mode(rootfs.resolve("dev/null")) & FileSystemCalls.S_IFMT);
        assertEquals(0x103L, Files.getAttribute(rootfs.resolve("dev/null"), "unix:rdev", NOFOLLOW));
        for (String path : List.of("etc/passwd", "bin/tool", "opaque", "dev/null")) {
            assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(rootfs.resolve(path), NOFOLLOW).toInstant(), path);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void aDiffIdMismatchNamesTheLayerAndLeavesNothing(String kind) throws IOException {
        Snapshotter s = snapshotter(kind);
        TestImage image = TestImage.threeLayers(store);
        Digest bogus = Digest.parse("sha256:" + "0".repeat(64));
        List<Digest> wrongFirst = new ArrayList<>(image.diffIds());
        wrongFirst.set(0, bogus);

        DiffIdMismatchException e = assertThrows(DiffIdMismatchException.class,
                () -> LayerApplier.apply(store, image.manifest(), wrongFirst, s, LayerApplier.Listener.NONE));

        assertEquals(0, e.layerIndex());
        assertEquals(bogus, e.expected());
        assertEquals(image.diffIds().getFirst(), e.actual());
        assertEquals("layer 0 (blob " + image.manifest().layers().getFirst().digest() + "): diff_id mismatch: the"
                + " image config lists " + bogus + ", the uncompressed layer is " + image.diffIds().getFirst(),
                e.getMessage());
        assertEquals(List.of(), s.list());
        assertEquals(List.of(), list(snapshotRoot.resolve("snapshots")));

        List<Digest> wrongLast = new ArrayList<>(image.diffIds());
        wrongLast.set(2, bogus);
        assertEquals(2, assertThrows(DiffIdMismatchException.class,
                () -> LayerApplier.apply(store, image.manifest(), wrongLast, s, LayerApplier.Listener.NONE)).layerIndex());
        assertEquals(List.of(Kind.COMMITTED, Kind.COMMITTED), s.list().stream().map(SnapshotInfo::kind).toList());
        assertEquals(2, list(snapshotRoot.resolve("snapshots")).size(), "layer 2's directory is gone");
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void concurrentAppliesOfOneImageShareTheCommittedSnapshots(String kind) throws Exception {
        TestImage image = TestImage.threeLayers(store);
        int applies = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(applies);
        List<Future<Digest>> tops = new ArrayList<>();
        try {
            for (int i = 0; i < applies; i++) {
                // One instance each, as separate processes would have.
                Snapshotter mine = snapshotter(kind);
                tops.add(pool.submit(() -> {
                    start.await();
                    return LayerApplier.apply(store, image.manifest(), image.diffIds(), mine, LayerApplier.Listener.NONE);
                }));
            }
            start.countDown();
            for (Future<Digest> top : tops) {
                assertEquals(ChainIds.of(image.diffIds()).getLast(), top.get());
            }
        } finally {
            pool.shutdownNow();
        }
        Snapshotter s = snapshotter(kind);
        assertEquals(List.of(Kind.COMMITTED, Kind.COMMITTED, Kind.COMMITTED),
                s.list().stream().map(SnapshotInfo::kind).toList());
        assertEquals(3, list(snapshotRoot.resolve("snapshots")).size(), "the losers' copies are gone");
    }

    @Test
    void aChainOf150LayersMountsBeyondMount2sPageLimit() throws IOException {
        Snapshotter s = new OverlaySnapshotter(snapshotRoot);
        List<byte[]> tars = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            tars.add(new TarBuilder().file("layer-" + i, "i=" + i).file("shared", "from " + i).bytes());
        }
        TestImage image = TestImage.of(store, tars);
        Digest top = LayerApplier.apply(store, image.manifest(), image.diffIds(), s, LayerApplier.Listener.NONE);

        List<MountSpec> mounts = s.prepare("container", Optional.of(top.toString()));
        assertTrue(mounts.getFirst().option("lowerdir").length() > 4096, "the lowerdir needs the new mount API");
        Path rootfs = Files.createDirectory(dir.resolve("rootfs"));
        Mounter.mount(mounts, rootfs);
        try {
            assertEquals(FileSystemCalls.OVERLAYFS_SUPER_MAGIC, FileSystemCalls.statfsType(rootfs));
            assertEquals("i=0", Files.readString(rootfs.resolve("layer-0")));
            assertEquals("i=149", Files.readString(rootfs.resolve("layer-149")));
            assertEquals("from 149", Files.readString(rootfs.resolve("shared")));
            assertEquals(151, list(rootfs).size());
        } finally {
            Mounter.unmount(rootfs);
        }
        Path view = Files.createDirectory(dir.resolve("view"));
        Mounter.mount(s.view("view", top.toString()), view);
        try {
            assertEquals("i=0", Files.readString(view.resolve("layer-0")));
            assertThrows(IOException.class, () -> Files.writeString(view.resolve("x"), "x"), "a view is read-only");
        } finally {
            Mounter.unmount(view);
        }
    }

    private static final class Counting implements LayerApplier.Listener {
        final AtomicInteger applied = new AtomicInteger();
        final AtomicInteger skipped = new AtomicInteger();

        @Override
        public void skipped(int index, Digest chainId) {
            skipped.incrementAndGet();
        }

        @Override
        public void applied(int index, Digest chainId, UnpackResult result) {
            applied.incrementAndGet();
        }
    }

    private static int mode(Path path) throws IOException {
        return (int) Files.getAttribute(path, "unix:mode", NOFOLLOW);
    }

    private static List<String> list(Path directory) throws IOException {
        try (Stream<Path> s = Files.list(directory)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
