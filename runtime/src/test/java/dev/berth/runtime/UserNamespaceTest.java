package dev.berth.runtime;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A user namespace: root inside is an unprivileged uid outside, mapped as configured. */
class UserNamespaceTest extends ContainerTest {

    @BeforeEach
    void mapRootTo100000() throws Exception {
        // As with runc, the mapped root must own the root filesystem to create mount points in it.
        chown(bundle.rootfs, 100000);
        chown(out, 100000);
        // ... and reach it: JUnit's temporary directory is private to host root.
        for (Path dir : new Path[] {tmp, bundle.dir}) {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        bundle.linux().withArray("namespaces").add(bundle.json("{\"type\": \"user\"}"));
        bundle.linux().putArray("uidMappings").add(bundle.json("{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}"));
        bundle.linux().putArray("gidMappings").add(bundle.json("{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}"));
        bundle.write();
    }

    private static void chown(Path tree, int id) throws Exception {
        Process chown = new ProcessBuilder("chown", "-R", "-h", id + ":" + id, tree.toString()).inheritIO().start();
        assertEquals(0, chown.waitFor());
    }

    @Test
    void mappingsAreVisibleInsideAndRootIsRootThere() {
        String stdout = runOk("cat /proc/self/uid_map /proc/self/gid_map; id -u; echo ok > /dev/null && echo devnull-works");
        String[] lines = stdout.lines().toArray(String[]::new);
        assertEquals(java.util.List.of("0", "100000", "65536"), java.util.List.of(lines[0].trim().split("\\s+")));
        assertEquals(java.util.List.of("0", "100000", "65536"), java.util.List.of(lines[1].trim().split("\\s+")));
        assertEquals("0", lines[2]);
        assertEquals("devnull-works", lines[3]);
    }

    @Test
    void outsideTheProcessIsTheMappedUnprivilegedUser() throws Exception {
        bundle.shell("sleep 1000").write();
        int pid = runtime.create(id, bundle.dir, CreateOptions.DEFAULT).pid();
        try {
            String status = Files.readString(Path.of("/proc/" + pid + "/status"));
            assertTrue(status.lines().anyMatch(l -> l.matches("Uid:\\s+100000\\s+100000\\s+100000\\s+100000")), status);
        } finally {
            runtime.delete(id, true);
        }
    }

    @Test
    void rootInsideCannotTouchHostOwnedFiles() throws Exception {
        Path hostFile = Files.writeString(tmp.resolve("host-owned"), "secret\n");
        Files.setPosixFilePermissions(hostFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        bundle.mounts().add(bundle.json("{\"destination\": \"/hostfile\", \"type\": \"bind\", \"source\": \"" + hostFile
                + "\", \"options\": [\"bind\"]}"));
        bundle.write();
        Result result = run("cat /hostfile");
        assertTrue(result.exitCode() != 0, "mapped root read a file only host root may read");
        assertTrue(result.stderr().contains("Permission denied"), result.stderr());
    }
}
