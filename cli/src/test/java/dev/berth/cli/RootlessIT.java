package dev.berth.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.runtime.TestBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/berth-runtime used by an unprivileged user with a rootless config: a user namespace that
 * maps the user to root inside, no network namespace, /sys bound from the host, no cgroup. The
 * user is a fresh uid that exists nowhere else (no passwd entry), so nothing of it remains.
 */
class RootlessIT {
    static final int UID = 54321;
    static final Path BERTH_RUNTIME = CliContainerIT.BERTH_RUNTIME;

    @TempDir
    Path tmp;

    @Test
    void anUnprivilegedUserRunsAContainer() throws Exception {
        TestBundle bundle = TestBundle.create(tmp, "sh", "-c",
                "echo uid=$(id -u); cat /proc/self/uid_map; echo hostname=$(hostname); exit 7");
        rootless(bundle.config);
        bundle.write();
        Path root = tmp.resolve("state");
        chownTree(tmp);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process process = new ProcessBuilder("setpriv", "--reuid=" + UID, "--regid=" + UID, "--clear-groups",
                BERTH_RUNTIME.toString(), "--root", root.toString(), "run", "--bundle", bundle.dir.toString(), "rootless1")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String stdout = Files.readString(out);
        assertEquals(7, process.exitValue(), stdout + Files.readString(err));
        List<String> lines = stdout.lines().toList();
        assertEquals("uid=0", lines.get(0), "the user is root in its own namespace");
        assertEquals(List.of("0", Integer.toString(UID), "1"), List.of(lines.get(1).trim().split("\\s+")));
        assertEquals("hostname=berth-test", lines.get(2));
        try (var left = Files.list(root)) {
            assertEquals(List.of(), left.toList(), "state left behind");
        }
    }

    /** What `spec --rootless` does to a config, applied to the test bundle's. */
    private static void rootless(ObjectNode config) {
        ObjectNode linux = (ObjectNode) config.get("linux");
        ArrayNode namespaces = linux.putArray("namespaces");
        for (String type : List.of("pid", "ipc", "uts", "mount", "user")) {
            namespaces.addObject().put("type", type);
        }
        linux.putArray("uidMappings").addObject().put("containerID", 0).put("hostID", UID).put("size", 1);
        linux.putArray("gidMappings").addObject().put("containerID", 0).put("hostID", UID).put("size", 1);
        linux.remove("resources");
        ArrayNode mounts = (ArrayNode) config.get("mounts");
        for (int i = mounts.size() - 1; i >= 0; i--) {
            ObjectNode mount = (ObjectNode) mounts.get(i);
            String destination = mount.get("destination").asText();
            if (destination.equals("/sys/fs/cgroup")) {
                mounts.remove(i);
            } else if (destination.equals("/sys")) {
                mount.put("type", "bind").put("source", "/sys");
                mount.putArray("options").add("rbind").add("nosuid").add("noexec").add("nodev").add("ro");
            } else if (destination.equals("/dev/pts")) {
                // gid 5 (tty) is not mapped in a one-uid namespace.
                mount.putArray("options").add("nosuid").add("noexec").add("newinstance").add("ptmxmode=0666").add("mode=0620");
            }
        }
    }

    private static void chownTree(Path dir) throws IOException, InterruptedException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process chown = new ProcessBuilder("chown", "-R", "-h", UID + ":" + UID, dir.toString()).inheritIO().start();
        assertEquals(0, chown.waitFor());
    }
}
