package dev.berth.image.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import dev.berth.image.store.Digest;
import dev.berth.linux.FileSystemCalls;
import dev.berth.linux.Xattrs;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs as root (chown, mknod, trusted.* xattrs). The temp dirs are under /tmp, which on the test
 * VM is the ext4 root filesystem: it stores trusted.* and security.* xattrs and device nodes.
 */
class LayerUnpackerTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir
    Path root;
    @TempDir
    Path outside;

    @Test
    void unpacksFilesDirectoriesLinksModesOwnersTimesAndXattrsOfEveryNamespace() throws IOException {
        InputStream layer = new TarBuilder()
                .dir("bin/", 0750)
                .file("bin/busybox", "#!busybox", 04755, e -> {
                    e.setUserId(1234);
                    e.setGroupId(5678);
                    e.addPaxHeader("SCHILY.xattr.user.berth", "hello");
                    e.addPaxHeader("SCHILY.xattr.trusted.berth", "t");
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

        assertEquals("hello", new String(Xattrs.get(busybox, "user.berth").orElseThrow(), StandardCharsets.UTF_8));
        assertEquals("t", new String(Xattrs.get(busybox, "trusted.berth").orElseThrow(), StandardCharsets.UTF_8));
        assertEquals(List.of(), result.skipped());
    }

    @Test
    void binaryXattrValuesOfPaxHeadersArriveByteForByte() throws IOException {
        // VFS_CAP_REVISION_2, effective, permitted CAP_NET_BIND_SERVICE (bit 10): not UTF-8.
        byte[] capability = {0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] binary = {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0x80, '=', '\n', 'x'};
        InputStream layer = new TarBuilder()
                .rawPaxHeader("bin/ping", java.util.Map.of(
                        "SCHILY.xattr.security.capability", capability,
                        "SCHILY.xattr.trusted.binary", binary))
                .file("bin/ping", "ping", 0755, e -> { })
                .file("plain", "no xattrs")
                .stream();

        UnpackResult result = LayerUnpacker.unpack(layer, root, Mode.FLATTEN);

        Path ping = root.resolve("bin/ping");
        assertArrayEquals(capability, Xattrs.get(ping, "security.capability").orElseThrow());
        assertArrayEquals(binary, Xattrs.get(ping, "trusted.binary").orElseThrow());
        assertEquals("ping", Files.readString(ping));
        assertTrue(Xattrs.list(root.resolve("plain")).stream().noneMatch(n -> n.startsWith("trusted.")),
                "the header applied to its own entry only");
        assertEquals(List.of(), result.skipped());
    }

    @Test
    void overlayfsXattrsFromALayerAreSkippedNotApplied() throws IOException {
        UnpackResult result = LayerUnpacker.unpack(new TarBuilder()
                .file("f", "x", 0644, e -> e.addPaxHeader("SCHILY.xattr.trusted.overlay.redirect", "/etc"))
                .stream(), root, Mode.OVERLAY);
        assertEquals(java.util.Optional.empty(), Xattrs.get(root.resolve("f"), "trusted.overlay.redirect"));
        assertEquals(1, result.skipped().size());
        assertTrue(result.skipped().getFirst().contains("trusted.overlay.redirect"), result.skipped().toString());
    }

    @Test
    void diffIdIsTheSha256OfTheUncompressedTarIncludingTrailingPadding() throws Exception {
        byte[] tar = new TarBuilder().file("a", "a").dir("d/", 0755).bytes();
        // Some writers leave more zeros after the end-of-archive blocks than the reader consumes.
        byte[] padded = java.util.Arrays.copyOf(tar, tar.length + 3 * 512 + 7);
        assertEquals(sha256(padded), LayerUnpacker.unpack(new ByteArrayInputStream(padded), root, Mode.FLATTEN)
                .diffId());

        var gz = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(tar);
        }
        Path other = Files.createDirectory(outside.resolve("other"));
        UnpackResult fromGzip = LayerUnpacker.unpack(new ByteArrayInputStream(gz.toByteArray()), other, Mode.FLATTEN);
        assertEquals(sha256(tar), fromGzip.diffId(), "the diff_id is of the tar, not of the gzip blob");
    }

    private static Digest sha256(byte[] data) {
        return Digest.of("sha256", data);
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
    void overlayMarkersAreNotWrittenThroughASymlinkedParentEither() throws IOException {
        Files.createDirectory(outside.resolve("dir"));
        LayerUnpacker.unpack(new TarBuilder().symlink("evil", outside.toString()).stream(), root, Mode.OVERLAY);
        List<String> outsideBefore = list(outside);
        for (String marker : List.of("evil/.wh.victim", "evil/dir/.wh..wh..opq", "evil/.wh..wh..opq")) {
            var e = assertThrows(UnsafeLayerException.class, () -> LayerUnpacker.unpack(
                    new TarBuilder().file(marker, "").stream(), root, Mode.OVERLAY));
            assertTrue(e.getMessage().contains(marker), e.getMessage());
        }
        assertEquals(outsideBefore, list(outside));
        assertEquals(java.util.Optional.empty(), Xattrs.get(outside.resolve("dir"), "trusted.overlay.opaque"));
        assertEquals(java.util.Optional.empty(), Xattrs.get(outside, "trusted.overlay.opaque"));
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
    void overlayWritesWhiteoutDevicesAndOpaqueXattrs() throws IOException {
        UnpackResult result = LayerUnpacker.unpack(new TarBuilder()
                .file("a/.wh.b", "").file("c/.wh..wh..opq", "").file("c/d", "d")
                .stream(), root, Mode.OVERLAY);
        assertEquals(List.of(Path.of("a/b")), result.whiteouts());
        assertEquals(List.of(Path.of("c")), result.opaqueDirectories());
        assertEquals(List.of("a", "c"), list(root));
        assertWhiteoutDevice(root.resolve("a/b"));
        assertOpaque(root.resolve("c"));
        assertEquals(List.of("d"), list(root.resolve("c")));
        assertEquals(java.util.Optional.empty(), Xattrs.get(root.resolve("a"), "trusted.overlay.opaque"));
    }

    @Test
    void overlayWhiteoutNeverHidesItsOwnLayersEntry() throws IOException {
        // layer.md: "Files that are present in the same layer as a whiteout file can only be
        // hidden by whiteout files in subsequent layers."
        LayerUnpacker.unpack(new TarBuilder()
                .file("own-file", "mine").file(".wh.own-file", "")        // entry first, whiteout after
                .dir("own-dir/", 0755).file("own-dir/x", "x").file(".wh.own-dir", "")
                .file(".wh.recreated", "").dir("recreated/", 0755)        // whiteout first, dir after
                .file(".wh.refiled", "").file("refiled", "new")
                .stream(), root, Mode.OVERLAY);

        assertEquals("mine", Files.readString(root.resolve("own-file")));
        assertEquals(List.of("x"), list(root.resolve("own-dir")));
        assertOpaque(root.resolve("own-dir"));
        assertTrue(Files.isDirectory(root.resolve("recreated"), NOFOLLOW));
        assertOpaque(root.resolve("recreated"));
        assertEquals("new", Files.readString(root.resolve("refiled")));
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
    void devicesAndFifosAreCreatedWithNumbersOwnerModeAndTime() throws IOException {
        UnpackResult result = LayerUnpacker.unpack(new TarBuilder()
                .charDevice("dev/null", 1, 3).blockDevice("dev/loop9", 7, 9).fifo("run/fifo", 0620)
                .stream(), root, Mode.FLATTEN);

        Path nul = root.resolve("dev/null");
        assertEquals(FileSystemCalls.S_IFCHR, mode(nul) & FileSystemCalls.S_IFMT);
        assertEquals(0x103L, Files.getAttribute(nul, "unix:rdev", NOFOLLOW), "1:3");
        assertEquals(FileSystemCalls.S_IFBLK, mode(root.resolve("dev/loop9")) & FileSystemCalls.S_IFMT);
        assertEquals(0x709L, Files.getAttribute(root.resolve("dev/loop9"), "unix:rdev", NOFOLLOW), "7:9");
        Path fifo = root.resolve("run/fifo");
        assertEquals(FileSystemCalls.S_IFIFO | 0620, mode(fifo));
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(fifo, NOFOLLOW).toInstant());
        assertEquals(List.of(), result.skipped());
    }

    @Test
    void devicesAreRefusedOrSkippedWhenAsked() throws IOException {
        var e = assertThrows(UnsupportedLayerException.class, () -> LayerUnpacker.unpack(
                new TarBuilder().charDevice("dev/null", 1, 3).stream(), root, Mode.FLATTEN, DeviceHandling.REFUSE));
        assertTrue(e.getMessage().contains("dev/null") && e.getMessage().contains("1:3"), e.getMessage());
        UnpackResult result = LayerUnpacker.unpack(new TarBuilder().charDevice("dev/null", 1, 3).file("ok", "")
                .stream(), root, Mode.FLATTEN, DeviceHandling.SKIP);
        assertEquals(1, result.skipped().size());
        assertTrue(Files.exists(root.resolve("ok")));
        assertFalse(Files.exists(root.resolve("dev/null"), NOFOLLOW));
    }

    private static int mode(Path path) throws IOException {
        return (int) Files.getAttribute(path, "unix:mode", NOFOLLOW);
    }

    private static void assertWhiteoutDevice(Path path) throws IOException {
        assertEquals(FileSystemCalls.S_IFCHR, mode(path) & FileSystemCalls.S_IFMT, path + " is a character device");
        assertEquals(0L, Files.getAttribute(path, "unix:rdev", NOFOLLOW), path + " is 0/0");
    }

    private static void assertOpaque(Path dir) {
        assertArrayEquals(new byte[] {'y'}, Xattrs.get(dir, "trusted.overlay.opaque").orElseThrow(),
                dir + " is opaque");
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
