package dev.berth.image.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerUnpackerTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir
    Path root;
    @TempDir
    Path outside;

    @Test
    void unpacksFilesDirectoriesLinksModesOwnersTimesAndUserXattrs() throws IOException {
        InputStream layer = new TarBuilder()
                .dir("bin/", 0750)
                .file("bin/busybox", "#!busybox", 04755, e -> {
                    e.setUserId(1234);
                    e.setGroupId(5678);
                    e.addPaxHeader("SCHILY.xattr.user.berth", "hello");
                    e.addPaxHeader("SCHILY.xattr.security.capability", "x");
                })
                .symlink("bin/sh", "/bin/busybox")
                .hardlink("bin/ls", "bin/busybox")
                .file("etc/hostname", "box")            // implicit parent directory
                .gzipStream();

        UnpackResult result = LayerUnpacker.unpack(layer, root, Mode.FLATTEN);

        Path busybox = root.resolve("bin/busybox");
        assertEquals("#!busybox", Files.readString(busybox));
        assertEquals(04755, (int) Files.getAttribute(busybox, "unix:mode") & 07777);
        assertEquals(1234, Files.getAttribute(busybox, "unix:uid"));
        assertEquals(5678, Files.getAttribute(busybox, "unix:gid"));
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(busybox).toInstant());
        assertEquals(0750, (int) Files.getAttribute(root.resolve("bin"), "unix:mode") & 07777);
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(root.resolve("bin"), NOFOLLOW).toInstant(),
                "directory mtime must survive the creation of its children");
        assertEquals(Path.of("/bin/busybox"), Files.readSymbolicLink(root.resolve("bin/sh")));
        assertEquals(Files.getAttribute(busybox, "unix:ino"), Files.getAttribute(root.resolve("bin/ls"), "unix:ino"));
        assertEquals(2, Files.getAttribute(busybox, "unix:nlink"));
        assertEquals("box", Files.readString(root.resolve("etc/hostname")));

        var xattrs = Files.getFileAttributeView(busybox, UserDefinedFileAttributeView.class);
        ByteBuffer value = ByteBuffer.allocate(xattrs.size("berth"));
        xattrs.read("berth", value);
        assertEquals("hello", new String(value.array(), StandardCharsets.UTF_8));
        assertEquals(1, result.skipped().size());
        assertTrue(result.skipped().getFirst().contains("security.capability"), result.skipped().toString());
    }

    @Test
    void refusesDotDotName() {
        assertEscapeRefused(new TarBuilder().file("../" + outside.getFileName() + "/pwned", "x"), "pwned");
    }

    @Test
    void refusesAbsoluteName() {
        assertEscapeRefused(new TarBuilder().file(outside.resolve("pwned").toString(), "x"), "absolute");
    }

    @Test
    void refusesSymlinkClimbingOutOfRoot() {
        assertEscapeRefused(new TarBuilder().dir("a/", 0755).symlink("a/link", "../../etc"), "a/link");
    }

    @Test
    void refusesHardlinkToDotDotOrAbsolutePath() throws IOException {
        Files.writeString(outside.resolve("secret"), "secret");
        assertEscapeRefused(new TarBuilder().hardlink("hl", "../" + outside.getFileName() + "/secret"), "hl");
        assertEscapeRefused(new TarBuilder().hardlink("hl", outside.resolve("secret").toString()), "hl");
        assertEquals(1, Files.getAttribute(outside.resolve("secret"), "unix:nlink"));
    }

    @Test
    void hardlinkToASymlinkLinksTheSymlinkNotItsOutsideTarget() throws IOException {
        Path secret = Files.writeString(outside.resolve("secret"), "secret");
        LayerUnpacker.unpack(new TarBuilder().symlink("s", secret.toString()).hardlink("hl", "s").stream(),
                root, Mode.FLATTEN);
        assertTrue(Files.isSymbolicLink(root.resolve("hl")));
        assertEquals(1, Files.getAttribute(secret, "unix:nlink"));
    }

    @Test
    void refusesWritingThroughSymlinkedParent() {
        // An absolute symlink target is legal (it means root-relative inside the container), but
        // the unpacker must not follow it on the host when a later entry goes through it.
        assertEscapeRefused(new TarBuilder().symlink("evil", outside.toString()).file("evil/pwned", "x"),
                "evil/pwned");
    }

    @Test
    void refusesHardlinkThroughSymlinkedParent() throws IOException {
        Files.writeString(outside.resolve("secret"), "secret");
        assertEscapeRefused(new TarBuilder().symlink("evil", outside.toString()).hardlink("hl", "evil/secret"),
                "hl");
        assertEquals(1, Files.getAttribute(outside.resolve("secret"), "unix:nlink"));
    }

    @Test
    void refusesWhiteoutAndOpaqueMarkerThroughSymlinkedParent() throws IOException {
        Path victim = Files.writeString(outside.resolve("victim"), "v");
        LayerUnpacker.unpack(new TarBuilder().symlink("evil", outside.toString()).stream(), root, Mode.FLATTEN);
        assertEscapeRefused(new TarBuilder().file("evil/.wh.victim", ""), "evil/.wh.victim");
        assertEscapeRefused(new TarBuilder().file("evil/.wh..wh..opq", ""), "evil/.wh..wh..opq");
        assertEquals("v", Files.readString(victim));
    }

    @Test
    void regularFileReplacesPlantedSymlinkInsteadOfWritingThroughIt() throws IOException {
        Path victim = Files.writeString(outside.resolve("victim"), "original");
        LayerUnpacker.unpack(new TarBuilder().symlink("f", victim.toString()).stream(), root, Mode.FLATTEN);
        LayerUnpacker.unpack(new TarBuilder().file("f", "new").stream(), root, Mode.FLATTEN);
        assertEquals("original", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(root.resolve("f")));
        assertEquals("new", Files.readString(root.resolve("f")));
    }

    @Test
    void flattenAppliesWhiteoutsAndOpaqueDirectoriesOfALaterLayer() throws IOException {
        LayerUnpacker.unpack(new TarBuilder()
                .file("keep", "k").file("gone", "g")
                .file("tree/deep/file", "d")
                .file("opaque/old1", "o").file("opaque/sub/old2", "o")
                .stream(), root, Mode.FLATTEN);
        UnpackResult second = LayerUnpacker.unpack(new TarBuilder()
                .file(".wh.gone", "").file(".wh.tree", "")
                .dir("opaque/", 0755).file("opaque/.wh..wh..opq", "").file("opaque/new", "n")
                .file(".wh.never-existed", "")
                .stream(), root, Mode.FLATTEN);

        assertEquals(List.of("keep", "opaque"), list(root));
        assertEquals(List.of("new"), list(root.resolve("opaque")));
        assertTrue(second.whiteouts().isEmpty() && second.opaqueDirectories().isEmpty());
    }

    @Test
    void opaqueMarkerKeepsEntriesOfItsOwnLayerEvenWhenWrittenBefore() throws IOException {
        LayerUnpacker.unpack(new TarBuilder().file("d/old", "o").stream(), root, Mode.FLATTEN);
        LayerUnpacker.unpack(new TarBuilder().file("d/x/y/new", "n").file("d/.wh..wh..opq", "").stream(),
                root, Mode.FLATTEN);
        assertEquals(List.of("x"), list(root.resolve("d")));
        assertEquals("n", Files.readString(root.resolve("d/x/y/new")));
    }

    @Test
    void overlayRecordsWhiteoutsWithoutWritingMarkers() throws IOException {
        UnpackResult result = LayerUnpacker.unpack(new TarBuilder()
                .file("a/.wh.b", "").file("c/.wh..wh..opq", "").file("c/d", "d")
                .stream(), root, Mode.OVERLAY);
        assertEquals(List.of(Path.of("a/b")), result.whiteouts());
        assertEquals(List.of(Path.of("c")), result.opaqueDirectories());
        assertEquals(List.of("c"), list(root));
        assertEquals(List.of("d"), list(root.resolve("c")));
    }

    @Test
    void unpacksZstdLayers() throws IOException {
        byte[] tar = new TarBuilder().file("etc/motd", "zstd\n").stream().readAllBytes();
        var compressed = new java.io.ByteArrayOutputStream();
        try (var out = new com.github.luben.zstd.ZstdOutputStream(compressed)) {
            out.write(tar);
        }
        LayerUnpacker.unpack(new ByteArrayInputStream(compressed.toByteArray()), root, Mode.FLATTEN);
        assertEquals("zstd\n", Files.readString(root.resolve("etc/motd")));
    }

    @Test
    void devicesAreRefusedOrSkippedAsAsked() throws IOException {
        var e = assertThrows(UnsupportedLayerException.class, () -> LayerUnpacker.unpack(
                new TarBuilder().charDevice("dev/null", 1, 3).stream(), root, Mode.FLATTEN));
        assertTrue(e.getMessage().contains("dev/null") && e.getMessage().contains("1:3"), e.getMessage());
        UnpackResult result = LayerUnpacker.unpack(new TarBuilder().charDevice("dev/null", 1, 3).file("ok", "")
                .stream(), root, Mode.FLATTEN, DeviceHandling.SKIP);
        assertEquals(1, result.skipped().size());
        assertTrue(Files.exists(root.resolve("ok")));
        assertFalse(Files.exists(root.resolve("dev/null"), NOFOLLOW));
    }

    /** Unpacking must fail naming the entry, and nothing new may appear outside the root. */
    private void assertEscapeRefused(TarBuilder tar, String expectedInMessage) {
        List<String> outsideBefore = list(outside);
        var e = assertThrows(UnsafeLayerException.class, () -> LayerUnpacker.unpack(tar.stream(), root, Mode.FLATTEN));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
        assertEquals(outsideBefore, list(outside));
    }

    private static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
