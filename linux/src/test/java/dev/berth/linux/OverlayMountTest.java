package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real overlay mounts, as root. The temp dirs live under /tmp, on the VM's ext4 root filesystem:
 * a valid overlayfs upper (trusted.* xattrs, d_type), unlike an overlay or NFS /tmp would be.
 * Every test unmounts what it mounted, in finally.
 */
class OverlayMountTest {
    private static final long MS_RDONLY = 1;

    @TempDir
    Path dir;

    @Test
    void twoLowersGoThroughMount2WithTheTopLayerWinning() throws IOException {
        Path top = layer("top", "shared", "from top", "only-top", "t");
        Path bottom = layer("bottom", "shared", "from bottom", "only-bottom", "b");
        Path merged = Files.createDirectory(dir.resolve("merged"));

        OverlayMount.Api api = OverlayMount.mount(List.of(top, bottom), null, null, List.of(), MS_RDONLY, merged);
        try {
            assertEquals(OverlayMount.Api.MOUNT, api);
            assertEquals(FileSystemCalls.OVERLAYFS_SUPER_MAGIC, FileSystemCalls.statfsType(merged));
            assertEquals("from top", Files.readString(merged.resolve("shared")));
            assertEquals(List.of("only-bottom", "only-top", "shared"), list(merged));
        } finally {
            FileSystemCalls.umount2(merged, 0);
        }
        assertEquals(List.of(), list(merged));
    }

    @Test
    void whiteoutDevicesAndOpaqueXattrsInTheUpperHideLowerEntriesAndWritesGoUp() throws IOException {
        Path lower = layer("lower", "gone", "g", "kept", "k");
        Files.createDirectories(lower.resolve("dir/old"));
        Path upper = Files.createDirectories(dir.resolve("upper/dir"));
        FileSystemCalls.mknod(upper.getParent().resolve("gone"), FileSystemCalls.S_IFCHR, 0, 0);
        Xattrs.set(upper, "trusted.overlay.opaque", "y".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(upper.resolve("new"), "n");
        Path work = Files.createDirectory(dir.resolve("work"));
        Path merged = Files.createDirectory(dir.resolve("merged"));

        OverlayMount.mount(List.of(lower), upper.getParent(), work, List.of("index=off"), 0, merged);
        try {
            assertEquals(List.of("dir", "kept"), list(merged));
            assertEquals(List.of("new"), list(merged.resolve("dir")));
            Files.writeString(merged.resolve("written"), "w");
            assertEquals("w", Files.readString(upper.getParent().resolve("written")));
            assertFalse(Files.exists(lower.resolve("written")));
        } finally {
            FileSystemCalls.umount2(merged, 0);
        }
    }

    @Test
    void threeHundredLowersExceedAPageAndGoThroughFsconfig() throws IOException {
        List<Path> topFirst = new ArrayList<>();
        for (int i = 299; i >= 0; i--) {
            topFirst.add(layer("layer-with-a-longish-name-" + i, "file-" + i, "content " + i, "shared", "layer " + i));
        }
        String data = OverlayMount.mountData(topFirst, null, null, List.of());
        assertTrue(data.length() > OverlayMount.MOUNT_DATA_LIMIT, "lowerdir is " + data.length() + " bytes");
        Path merged = Files.createDirectory(dir.resolve("merged"));

        OverlayMount.Api api = OverlayMount.mount(topFirst, null, null, List.of(), MS_RDONLY, merged);
        try {
            assertEquals(OverlayMount.Api.FSCONFIG, api);
            assertEquals("content 0", Files.readString(merged.resolve("file-0")), "bottom layer visible");
            assertEquals("content 299", Files.readString(merged.resolve("file-299")), "top layer visible");
            assertEquals("layer 299", Files.readString(merged.resolve("shared")), "the top layer wins");
            assertEquals(301, list(merged).size());
            assertTrue(mountInfo().stream().anyMatch(l -> l.contains(" " + merged + " ") && l.contains(" overlay ")));
        } finally {
            FileSystemCalls.umount2(merged, 0);
        }
        assertTrue(mountInfo().stream().noneMatch(l -> l.contains(" " + merged + " ")));
    }

    @Test
    void aMissingLayerInTheNewApiIsNamedWithTheKernelsExplanation() throws IOException {
        List<Path> topFirst = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            topFirst.add(Files.createDirectory(dir.resolve("a-layer-directory-with-a-long-name-" + i)));
        }
        Path missing = dir.resolve("missing-layer");
        topFirst.add(missing);
        Path merged = Files.createDirectory(dir.resolve("merged"));

        SyscallException e = assertThrows(SyscallException.class,
                () -> OverlayMount.mount(topFirst, null, null, List.of(), MS_RDONLY, merged));
        assertEquals("fsconfig", e.syscall());
        assertEquals("overlay lowerdir+=" + missing, e.path());
        assertEquals("ENOENT", e.errnoName(), e.getMessage());
        assertTrue(mountInfo().stream().noneMatch(l -> l.contains(" " + merged + " ")));
    }

    @Test
    void pathsOverlayfsWouldSplitAreRefused() {
        Path merged = dir.resolve("merged");
        var e = assertThrows(IllegalArgumentException.class,
                () -> OverlayMount.mount(List.of(dir.resolve("a:b")), null, null, List.of(), 0, merged));
        assertTrue(e.getMessage().contains("a:b"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> OverlayMount.mount(List.of(dir), dir, null, List.of(), 0, merged));
        assertThrows(IllegalArgumentException.class,
                () -> OverlayMount.mount(List.of(dir), null, null, List.of("lowerdir=/etc"), 0, merged));
    }

    private Path layer(String name, String file1, String content1, String file2, String content2) throws IOException {
        Path layer = Files.createDirectory(dir.resolve(name));
        Files.writeString(layer.resolve(file1), content1);
        Files.writeString(layer.resolve(file2), content2);
        return layer;
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
