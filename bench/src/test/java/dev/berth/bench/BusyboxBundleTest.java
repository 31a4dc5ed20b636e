package dev.berth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared bundle is what the brief of the comparison says it is, for every runtime alike. */
class BusyboxBundleTest {
    @TempDir
    Path temp;

    @Test
    void configIsRuncSpecRunningTrueWithoutTerminal() throws IOException {
        Path bundle = BusyboxBundle.create(temp.resolve("bundle"));
        assertArrayEquals(BusyboxBundle.configBytes(), Files.readAllBytes(bundle.resolve("config.json")),
                "config.json is copied byte for byte, so every runtime reads the same file");
        JsonNode config = new ObjectMapper().readTree(bundle.resolve("config.json").toFile());
        assertFalse(config.at("/process/terminal").asBoolean(true));
        assertEquals("[\"true\"]", config.at("/process/args").toString());
        assertTrue(config.at("/root/readonly").asBoolean(false));
        assertTrue(config.at("/process/capabilities/ambient").isMissingNode(),
                "no ambient set: berth fails on it where runc and crun ignore the EPERM");
        assertEquals("rootfs", config.at("/root/path").asText());
        Set<String> namespaces = new TreeSet<>();
        config.at("/linux/namespaces").forEach(ns -> namespaces.add(ns.get("type").asText()));
        assertEquals(new TreeSet<>(Set.of("pid", "network", "ipc", "uts", "mount")), namespaces);
        assertTrue(config.at("/linux/cgroupsPath").isMissingNode(),
                "each runtime picks its default cgroup path, which contains the container ID");
        Set<String> mounts = new TreeSet<>();
        config.at("/mounts").forEach(m -> mounts.add(m.get("destination").asText()));
        assertEquals(new TreeSet<>(Set.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys",
                "/sys/fs/cgroup")), mounts, "runc spec's default mounts");
    }

    @Test
    void rootfsHasBusyboxAndItsAppletsAndTheReadOnlyRootsMountPoints() throws IOException {
        Path rootfs = BusyboxBundle.create(temp.resolve("bundle")).resolve("rootfs");
        assertEquals(Files.size(BusyboxBundle.BUSYBOX), Files.size(rootfs.resolve("bin/busybox")));
        assertTrue(Files.isExecutable(rootfs.resolve("bin/busybox")));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(rootfs.resolve("bin/true")));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(rootfs.resolve("bin/sh")));
        for (String dir : new String[] {"proc", "sys", "dev"}) {
            assertTrue(Files.isDirectory(rootfs.resolve(dir)), dir + " must exist: the root is read-only");
        }
    }

    @Test
    void deleteTreeRemovesEverythingButNotWhatSymlinksPointTo() throws IOException {
        Path outside = Files.writeString(temp.resolve("outside"), "keep me");
        Path tree = Files.createDirectories(temp.resolve("tree/a/b"));
        Files.writeString(tree.resolve("file"), "x");
        Files.createSymbolicLink(tree.resolve("link"), outside);
        Files.createSymbolicLink(temp.resolve("tree/dirlink"), temp);
        BusyboxBundle.deleteTree(temp.resolve("tree"));
        assertFalse(Files.exists(temp.resolve("tree")));
        assertEquals("keep me", Files.readString(outside));
    }
}
