package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemCallsTest {
    @TempDir
    Path dir;

    @Test
    void statfsTypeMatchesTheFileSystemOfEveryProcTmpfsAndCgroupMount() throws IOException {
        Map<String, Long> magic = Map.of(
                "proc", FileSystemCalls.PROC_SUPER_MAGIC,
                "tmpfs", FileSystemCalls.TMPFS_MAGIC,
                "sysfs", FileSystemCalls.SYSFS_MAGIC,
                "cgroup", FileSystemCalls.CGROUP_SUPER_MAGIC,
                "cgroup2", FileSystemCalls.CGROUP2_SUPER_MAGIC);
        // The last mount at a path is the visible one; earlier ones there are hidden beneath it.
        Map<String, String> typeByMountPoint = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] fields = line.split(" ");
            typeByMountPoint.put(fields[1], fields[2]);
        }
        int checked = 0;
        for (Map.Entry<String, String> mount : typeByMountPoint.entrySet()) {
            Long expected = magic.get(mount.getValue());
            if (expected == null || mount.getKey().contains("\\")) continue; // octal-escaped names
            assertEquals(expected, FileSystemCalls.statfsType(Path.of(mount.getKey())), mount.toString());
            checked++;
        }
        assertTrue(typeByMountPoint.containsValue("proc") && checked >= 2, "checked " + checked + " mounts");
        assertEquals(FileSystemCalls.PROC_SUPER_MAGIC, FileSystemCalls.statfsType(Path.of("/proc/self")));
    }

    @Test
    void statfsOfAMissingPathNamesIt() {
        SyscallException e = assertThrows(SyscallException.class,
                () -> FileSystemCalls.statfsType(dir.resolve("missing")));
        assertEquals("statfs `" + dir.resolve("missing") + "`: ENOENT (No such file or directory)", e.getMessage());
    }

    @Test
    void mountsAndDetachesATmpfs() throws IOException {
        Path target = Files.createDirectory(dir.resolve("mnt"));
        FileSystemCalls.mount("berth-test", target, "tmpfs",
                2 /* MS_NOSUID */ | 4 /* MS_NODEV */, "size=1m,mode=0700");
        boolean mounted = true;
        try {
            assertEquals(FileSystemCalls.TMPFS_MAGIC, FileSystemCalls.statfsType(target));
            assertTrue(mountLines().contains("berth-test " + target + " tmpfs rw,nosuid,nodev"),
                    "not in /proc/self/mounts");
            Files.writeString(target.resolve("inside"), "x");

            FileSystemCalls.umount2(target, FileSystemCalls.MNT_DETACH);
            mounted = false;
            assertFalse(Files.exists(target.resolve("inside")), "the file lived on the tmpfs only");
            assertTrue(mountLines().stream().noneMatch(l -> l.contains(" " + target + " ")));
        } finally {
            if (mounted) FileSystemCalls.umount2(target, FileSystemCalls.MNT_DETACH);
        }
    }

    private static List<String> mountLines() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                .map(l -> l.replaceAll("(tmpfs rw,nosuid,nodev),.*", "$1"))
                .toList();
    }

    @Test
    void mountOfAnUnknownFileSystemTypeNamesTheTarget() {
        SyscallException e = assertThrows(SyscallException.class,
                () -> FileSystemCalls.mount("none", dir, "berthfs-does-not-exist", 0, null));
        assertEquals("mount `" + dir + "`: ENODEV (No such device)", e.getMessage());
    }

    @Test
    void mknodMakesFifosAndDeviceNodesWithTheirNumbers() throws IOException {
        Path fifo = dir.resolve("fifo");
        Path whiteout = dir.resolve("whiteout");
        Path null2 = dir.resolve("null2");
        FileSystemCalls.mknod(fifo, FileSystemCalls.S_IFIFO | 0600, 0, 0);
        FileSystemCalls.mknod(whiteout, FileSystemCalls.S_IFCHR, 0, 0);
        // A minor above 255 exercises the split encoding of new_encode_dev.
        FileSystemCalls.mknod(null2, FileSystemCalls.S_IFBLK | 0640, 7, 0x12345);

        assertEquals(FileSystemCalls.S_IFIFO, mode(fifo) & FileSystemCalls.S_IFMT);
        assertEquals(FileSystemCalls.S_IFCHR, mode(whiteout) & FileSystemCalls.S_IFMT);
        assertEquals(0L, Files.getAttribute(whiteout, "unix:rdev", LinkOption.NOFOLLOW_LINKS), "0/0: a whiteout");
        assertEquals(FileSystemCalls.S_IFBLK, mode(null2) & FileSystemCalls.S_IFMT);
        long rdev = (long) Files.getAttribute(null2, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        // glibc's major(3)/minor(3) decoding of st_rdev.
        assertEquals(7, ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
        assertEquals(0x12345, (rdev & 0xff) | ((rdev >>> 12) & ~0xffL));

        SyscallException e = assertThrows(SyscallException.class,
                () -> FileSystemCalls.mknod(fifo, FileSystemCalls.S_IFIFO | 0600, 0, 0));
        assertEquals("mknod `" + fifo + "`: EEXIST (File exists)", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> FileSystemCalls.mknod(dir.resolve("big"), FileSystemCalls.S_IFCHR, 4096, 0));
    }

    @Test
    void chmodAndModifiedTimeNeverOpenAFifoOrFollowASymlink() throws IOException {
        Path fifo = dir.resolve("fifo");
        FileSystemCalls.mknod(fifo, FileSystemCalls.S_IFIFO | 0600, 0, 0);
        Path link = Files.createSymbolicLink(dir.resolve("link"), fifo);
        java.time.Instant fifoTime = java.time.Instant.parse("2001-02-03T04:05:06.123456789Z");
        java.time.Instant linkTime = java.time.Instant.parse("1999-12-31T23:59:59Z");

        // Java's own NOFOLLOW chmod and setTimes open the file: on a fifo they block forever.
        FileSystemCalls.chmod(fifo, 04751);
        FileSystemCalls.setModifiedTime(fifo, fifoTime);
        FileSystemCalls.setModifiedTime(link, linkTime);

        assertEquals(FileSystemCalls.S_IFIFO | 04751, mode(fifo));
        assertEquals(fifoTime, Files.getLastModifiedTime(fifo, LinkOption.NOFOLLOW_LINKS).toInstant());
        assertEquals(linkTime, Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS).toInstant());
        SyscallException e = assertThrows(SyscallException.class,
                () -> FileSystemCalls.setModifiedTime(dir.resolve("missing"), linkTime));
        assertEquals("utimensat `" + dir.resolve("missing") + "`: ENOENT (No such file or directory)", e.getMessage());
    }

    private static int mode(Path path) throws IOException {
        return (int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void umountOfAPlainDirectoryFailsWithEinval() {
        SyscallException e = assertThrows(SyscallException.class,
                () -> FileSystemCalls.umount2(dir, FileSystemCalls.MNT_DETACH));
        assertEquals("umount2 `" + dir + "`: EINVAL (Invalid argument)", e.getMessage());
    }
}
