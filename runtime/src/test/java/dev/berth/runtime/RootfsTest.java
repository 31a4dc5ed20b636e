package dev.berth.runtime;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Root filesystem and mounts: pivot_root, read-only root, masked and read-only paths, binds. */
class RootfsTest extends ContainerTest {

    @Test
    void rootIsTheBundleRootfs() throws Exception {
        Files.writeString(bundle.rootfs.resolve("marker"), "from the bundle\n");
        assertEquals("from the bundle\n", runOk("cat /marker"));
    }

    @Test
    void readonlyRootfsRefusesWrites() {
        Result result = run("touch /newfile");
        assertEquals(1, result.exitCode());
        assertTrue(result.stderr().contains("Read-only file system"), result.stderr());
    }

    @Test
    void writableRootfsWhenNotReadonly() {
        ((com.fasterxml.jackson.databind.node.ObjectNode) bundle.config.get("root")).put("readonly", false);
        bundle.write();
        runOk("touch /newfile");
        assertTrue(Files.exists(bundle.rootfs.resolve("newfile")));
    }

    @Test
    void noPivotUsesMoveAndChroot() {
        bundle.args("sh", "-c", "exec >/out/stdout 2>&1; cat /marker; echo $$").write();
        writeMarker();
        assertEquals(0, runtime.run(id, bundle.dir, new CreateOptions(null, null, true, 0), false));
        assertEquals("m\n1\n", read("stdout"));
    }

    private void writeMarker() {
        try {
            Files.writeString(bundle.rootfs.resolve("marker"), "m\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void maskedPathsShowNothing() {
        // /proc/timer_list exists on every kernel here; a masked file reads as /dev/null.
        bundle.linux().putArray("maskedPaths").add("/proc/timer_list").add("/proc/acpi").add("/proc/nonexistent");
        bundle.write();
        assertEquals("0\n0\n", runOk("wc -c < /proc/timer_list; ls /proc/acpi 2>/dev/null | wc -l"));
    }

    @Test
    void readonlyPathsRefuseWrites() {
        Result result = run("echo 1 > /proc/sys/kernel/domainname");
        assertEquals(1, result.exitCode(), result.stdout());
        assertTrue(result.stderr().contains("Read-only file system"), result.stderr());
    }

    @Test
    void bindMountReadonlyAndOptions() throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Files.writeString(shared.resolve("file"), "host data\n");
        bundle.mounts().add(bundle.json("{\"destination\": \"/data/ro\", \"type\": \"bind\", \"source\": \"" + shared
                + "\", \"options\": [\"rbind\", \"ro\", \"nosuid\", \"nodev\"]}"));
        bundle.write();
        String stdout = runOk("cat /data/ro/file; touch /data/ro/x 2>/dev/null && echo writable || echo readonly;"
                + " grep ' /data/ro ' /proc/self/mountinfo | cut -d' ' -f6");
        assertEquals("host data", stdout.lines().toList().get(0));
        assertEquals("readonly", stdout.lines().toList().get(1));
        String options = stdout.lines().toList().get(2);
        assertTrue(options.contains("ro") && options.contains("nosuid") && options.contains("nodev"), options);
    }

    @Test
    void bindMountOfAFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("hostfile"), "single file\n");
        bundle.mounts().add(bundle.json("{\"destination\": \"/etc/single\", \"type\": \"bind\", \"source\": \"" + file
                + "\", \"options\": [\"bind\", \"ro\"]}"));
        bundle.write();
        assertEquals("single file\n", runOk("cat /etc/single"));
    }

    @Test
    void tmpfsWithOptions() {
        bundle.mounts().add(bundle.json("{\"destination\": \"/scratch\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
                + " \"options\": [\"nosuid\", \"noexec\", \"size=1m\", \"mode=700\"]}"));
        bundle.write();
        String stdout = runOk("stat -c %a /scratch; grep ' /scratch ' /proc/self/mountinfo");
        assertEquals("700", stdout.lines().toList().get(0));
        assertTrue(stdout.contains("noexec") && stdout.contains("size=1024k"), stdout);
    }

    @Test
    void symlinkInRootfsCannotLeadAMountOutside() throws Exception {
        // A hostile image: /evil points at the host's /home, and a mount asks for /evil/NAME.
        String name = "berth-escape-" + id;
        Files.createSymbolicLink(bundle.rootfs.resolve("evil"), Path.of("/home"));
        bundle.mounts().add(bundle.json("{\"destination\": \"/evil/" + name + "\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}"));
        bundle.write();
        assertTrue(runOk("grep ' /home/" + name + " ' /proc/self/mountinfo").contains("tmpfs"));
        assertFalse(Files.exists(Path.of("/home", name)), "the mount point was created outside the rootfs");
        // The symlink was resolved as if the rootfs were "/": the directory is inside the rootfs.
        assertTrue(Files.isDirectory(bundle.rootfs.resolve("home").resolve(name)));
    }

    @Test
    void cgroupFilesystemShowsTheContainersCgroup() {
        bundle.resources().putObject("pids").put("limit", 77);
        bundle.write();
        assertEquals("77\n", runOk("cat /sys/fs/cgroup/pids/pids.max"));
    }
}
