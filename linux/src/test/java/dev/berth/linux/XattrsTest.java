package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs as root. The temp dir is under /tmp, which on the test VM is the ext4 root filesystem:
 * it stores trusted.* and security.* xattrs (tmpfs would too, but not every filesystem does).
 */
class XattrsTest {
    @TempDir
    Path dir;

    @Test
    void setGetAndListEveryNamespaceWithRawBytes() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        // A VFS_CAP_REVISION_2 vfs_cap_data granting CAP_NET_BIND_SERVICE: bytes that are not UTF-8.
        byte[] capability = {0, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] binary = {(byte) 0xff, 0, (byte) 0xc3, 0x28, (byte) 0x80};
        Xattrs.set(file, "security.capability", capability);
        Xattrs.set(file, "trusted.berth.test", binary);
        Xattrs.set(file, "user.berth", "hello".getBytes(StandardCharsets.UTF_8));
        Xattrs.set(file, "user.empty", new byte[0]);

        assertArrayEquals(capability, Xattrs.get(file, "security.capability").orElseThrow());
        assertArrayEquals(binary, Xattrs.get(file, "trusted.berth.test").orElseThrow());
        assertEquals("hello", new String(Xattrs.get(file, "user.berth").orElseThrow(), StandardCharsets.UTF_8));
        assertArrayEquals(new byte[0], Xattrs.get(file, "user.empty").orElseThrow());
        assertTrue(Xattrs.list(file).containsAll(
                java.util.List.of("security.capability", "trusted.berth.test", "user.berth", "user.empty")),
                Xattrs.list(file).toString());

        Xattrs.set(file, "user.berth", "replaced".getBytes(StandardCharsets.UTF_8));
        assertEquals("replaced", new String(Xattrs.get(file, "user.berth").orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    void aMissingAttributeIsEmptyAndASymlinkIsNotFollowed() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "t");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        assertEquals(Optional.empty(), Xattrs.get(target, "user.none"));

        Xattrs.set(link, "trusted.on-the-link", new byte[] {1});
        assertArrayEquals(new byte[] {1}, Xattrs.get(link, "trusted.on-the-link").orElseThrow());
        assertEquals(Optional.empty(), Xattrs.get(target, "trusted.on-the-link"), "lsetxattr acts on the link");
    }

    @Test
    void errorsNameTheCallTheAttributeAndThePath() {
        Path missing = dir.resolve("missing");
        SyscallException e = assertThrows(SyscallException.class,
                () -> Xattrs.set(missing, "user.x", new byte[] {1}));
        assertEquals("lsetxattr(user.x) `" + missing + "`: ENOENT (No such file or directory)", e.getMessage());
        e = assertThrows(SyscallException.class, () -> Xattrs.list(missing));
        assertEquals("ENOENT", e.errnoName());
        e = assertThrows(SyscallException.class, () -> Xattrs.set(dir, "nonamespace", new byte[] {1}));
        assertEquals("EOPNOTSUPP", e.errnoName(), e.getMessage());
    }
}
