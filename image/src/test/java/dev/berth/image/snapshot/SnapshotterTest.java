package dev.berth.image.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.image.layer.Mode;
import dev.berth.image.snapshot.SnapshotInfo.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The snapshot lifecycle, for both snapshotters (no mounts here; see LayerApplierTest). The root
 * is a temp dir under /tmp, the VM's ext4 root filesystem.
 */
class SnapshotterTest {
    @TempDir
    Path root;

    private Snapshotter snapshotter(String kind) throws IOException {
        return kind.equals("overlay") ? new OverlaySnapshotter(root) : new CopySnapshotter(root);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void prepareCommitViewAndRemove(String kind) throws IOException {
        Snapshotter s = snapshotter(kind);
        List<MountSpec> baseMounts = s.prepare("a", Optional.empty());
        assertEquals(List.of(new MountSpec("bind", s.unpackDirectory("a").toString(), List.of("rbind", "rw"))),
                baseMounts);
        Files.writeString(s.unpackDirectory("a").resolve("base-file"), "base");
        s.commit("base", "a");

        assertEquals(Optional.empty(), s.stat("a"));
        SnapshotInfo base = s.stat("base").orElseThrow();
        assertEquals(Kind.COMMITTED, base.kind());
        assertEquals(Optional.empty(), base.parent());
        assertTrue(Files.isDirectory(base.path()));

        List<MountSpec> active = s.prepare("b", Optional.of("base"));
        Files.writeString(s.unpackDirectory("b").resolve("top-file"), "top");
        if (kind.equals("overlay")) {
            assertEquals("overlay", active.getFirst().type());
            assertEquals(base.path().resolve("fs").toString(), active.getFirst().option("lowerdir"));
            assertEquals(s.unpackDirectory("b").toString(), active.getFirst().option("upperdir"));
            assertEquals(Mode.OVERLAY, s.unpackMode());
        } else {
            assertTrue(Files.exists(s.unpackDirectory("b").resolve("base-file")), "a copy of the parent");
            assertEquals(Mode.FLATTEN, s.unpackMode());
        }
        s.commit("top", "b");
        List<MountSpec> view = s.view("v", "top");
        assertTrue(view.getFirst().options().contains("ro"), view.toString());
        assertEquals(Kind.VIEW, s.stat("v").orElseThrow().kind());
        assertEquals(Optional.of("top"), s.stat("v").orElseThrow().parent());

        SnapshotException e = assertThrows(SnapshotException.class, () -> s.remove("top"));
        assertTrue(e.getMessage().contains("'top'") && e.getMessage().contains("[v]"), e.getMessage());
        s.remove("v");
        s.remove("top");
        assertEquals(List.of("base"), s.list().stream().map(SnapshotInfo::key).toList());
        assertEquals(List.of(base.path().getFileName().toString()), directories());
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void committedMountsAreReadOnly(String kind) throws IOException {
        Snapshotter s = snapshotter(kind);
        s.prepare("a", Optional.empty());
        s.commit("l0", "a");
        s.prepare("b", Optional.of("l0"));
        s.commit("l1", "b");
        assertEquals(List.of("rbind", "ro"), s.mounts("l0").getFirst().options());
        MountSpec l1 = s.mounts("l1").getFirst();
        assertTrue(l1.options().contains("ro"), l1.toString());
        if (kind.equals("overlay")) {
            Path l0 = s.stat("l0").orElseThrow().path();
            Path l1Path = s.stat("l1").orElseThrow().path();
            assertEquals(l1Path.resolve("fs") + ":" + l0.resolve("fs"), l1.option("lowerdir"), "top layer first");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void mistakesAreRefusedByNameAndLeaveNoDirectory(String kind) throws IOException {
        Snapshotter s = snapshotter(kind);
        s.prepare("a", Optional.empty());
        List<String> before = directories();

        var missingParent = assertThrows(SnapshotException.class, () -> s.prepare("b", Optional.of("nope")));
        assertEquals("snapshot 'b': parent 'nope' does not exist", missingParent.getMessage());
        var activeParent = assertThrows(SnapshotException.class, () -> s.prepare("b", Optional.of("a")));
        assertEquals("snapshot 'b': parent 'a' is ACTIVE, not committed", activeParent.getMessage());
        assertThrows(SnapshotExistsException.class, () -> s.prepare("a", Optional.empty()));
        assertThrows(SnapshotException.class, () -> s.commit("x", "missing"));
        assertEquals(before, directories());

        s.commit("c", "a");
        s.prepare("a2", Optional.of("c"));
        var taken = assertThrows(SnapshotExistsException.class, () -> s.commit("c", "a2"));
        assertEquals("c", taken.key());
        assertEquals(Kind.ACTIVE, s.stat("a2").orElseThrow().kind(), "the active snapshot stays");
        assertThrows(SnapshotException.class, () -> s.unpackDirectory("c"), "nothing unpacks into a committed one");
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void gcKeepsWhatIsAskedForAndEveryAncestorOfActiveSnapshots(String kind) throws IOException {
        Snapshotter s = snapshotter(kind);
        committed(s, "base", null);
        committed(s, "mid", "base");
        committed(s, "top", "mid");
        committed(s, "unrelated", null);
        committed(s, "kept", "unrelated");
        s.prepare("container", Optional.of("mid"));
        Path topDir = s.stat("top").orElseThrow().path();

        assertEquals(Set.of("top"), s.gc(Set.of("kept")));

        assertEquals(List.of("base", "container", "kept", "mid", "unrelated"),
                s.list().stream().map(SnapshotInfo::key).sorted().toList());
        assertFalse(Files.exists(topDir));
        assertEquals(5, directories().size());
        s.remove("container");
        assertEquals(Set.of("base", "mid", "kept", "unrelated"), s.gc(Set.of()));
        assertEquals(List.of(), directories());
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void gcSweepsDirectoriesNoSnapshotOwns(String kind) throws IOException {
        Snapshotter s = snapshotter(kind);
        committed(s, "base", null);
        // What a crash leaves: a renamed-but-unrecorded id and a half-deleted removal.
        Files.createDirectories(root.resolve("snapshots/999/fs"));
        Files.createDirectories(root.resolve("snapshots/rm-7/fs/x"));
        assertEquals(Set.of(), s.gc(Set.of("base")));
        assertEquals(List.of(s.stat("base").orElseThrow().path().getFileName().toString()), directories());
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void usageCountsInodesOnceAndApparentBytes(String kind) throws IOException {
        Snapshotter s = snapshotter(kind);
        s.prepare("a", Optional.empty());
        Path fs = s.unpackDirectory("a");
        Files.writeString(fs.resolve("ten"), "0123456789");
        Files.createLink(fs.resolve("ten-again"), fs.resolve("ten"));
        Files.createDirectory(fs.resolve("dir"));
        Files.writeString(fs.resolve("dir/three"), "abc");
        assertEquals(new Usage(13, 4), s.usage("a"), "fs, ten (twice linked), dir, three");
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void stateIsSharedThroughTheRootAndConcurrentPreparesOfOneKeyYieldOne(String kind) throws Exception {
        committed(snapshotter(kind), "base", null);
        // A second instance stands for a second process: only the files under root are shared.
        Snapshotter other = snapshotter(kind);
        assertEquals(Kind.COMMITTED, other.stat("base").orElseThrow().kind());

        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> results = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Snapshotter mine = snapshotter(kind);
                Callable<Boolean> prepare = () -> {
                    start.await();
                    try {
                        mine.prepare("same", Optional.of("base"));
                        return true;
                    } catch (SnapshotExistsException lost) {
                        return false;
                    }
                };
                results.add(pool.submit(prepare));
            }
            start.countDown();
            long winners = 0;
            for (Future<Boolean> r : results) {
                winners += r.get() ? 1 : 0;
            }
            assertEquals(1, winners);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, other.list().size());
        assertEquals(2, directories().size(), "the losers' directories are gone");
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void unreadableMetadataIsNamedNotGuessedAt(String kind) throws IOException {
        Snapshotter s = snapshotter(kind);
        Path metadata = root.toRealPath().resolve("metadata.json");
        Files.writeString(metadata, "{\"version\":1,\"snapshots\":[");
        SnapshotException e = assertThrows(SnapshotException.class, s::list);
        assertTrue(e.getMessage().startsWith(metadata + ": "), e.getMessage());
        assertThrows(SnapshotException.class, () -> s.prepare("a", Optional.empty()));
        assertEquals(List.of(), directories(), "a failed prepare leaves no directory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlay", "copy"})
    void aRootOfOneSnapshotterIsRefusedByTheOther(String kind) throws IOException {
        committed(snapshotter(kind), "base", null);
        Snapshotter other = snapshotter(kind.equals("overlay") ? "copy" : "overlay");
        SnapshotException e = assertThrows(SnapshotException.class, other::list);
        assertTrue(e.getMessage().contains("the snapshots here are " + kind + " snapshots"), e.getMessage());
    }

    static void committed(Snapshotter s, String name, String parent) throws IOException {
        String key = "prepare-" + name;
        s.prepare(key, Optional.ofNullable(parent));
        Files.writeString(s.unpackDirectory(key).resolve(name), name);
        s.commit(name, key);
    }

    private List<String> directories() throws IOException {
        try (Stream<Path> entries = Files.list(root.resolve("snapshots"))) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
