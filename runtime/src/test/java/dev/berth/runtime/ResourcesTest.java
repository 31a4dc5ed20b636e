package dev.berth.runtime;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cgroup limits act on real processes: OOM kill, fork bomb, CPU throttling, devices. */
class ResourcesTest extends ContainerTest {

    @Test
    void memoryLimitKillsAHogWith137() {
        bundle.resources().putObject("memory").put("limit", 32L << 20);
        bundle.write();
        // Keep doubling a string in the shell until the kernel's OOM killer steps in.
        Result result = run("echo start; x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done");
        assertEquals(137, result.exitCode(), "expected SIGKILL by the OOM killer; stderr: " + result.stderr());
        assertEquals("start\n", result.stdout());
    }

    @Test
    void pidsLimitStopsAForkBombAndTheHostIsFine() throws Exception {
        bundle.resources().putObject("pids").put("limit", 20);
        bundle.write();
        // The bomb runs in a subshell: ash exits when fork fails. After it, only builtins: at the
        // limit even `cat` could not be forked.
        String stdout = runOk("(i=0; while [ $i -lt 50 ]; do sleep 5 & i=$((i+1)); done) 2>/dev/null; "
                + "read n < /sys/fs/cgroup/pids/pids.current; echo $n; kill -9 -1; wait");
        int atLimit = Integer.parseInt(stdout.lines().toList().get(0));
        assertTrue(atLimit > 10 && atLimit <= 20, "pids.current after the bomb: " + atLimit);
        // The host was never limited: it still starts processes.
        assertEquals(0, new ProcessBuilder("true").start().waitFor());
    }

    @Test
    void cpuQuotaThrottles() {
        var cpu = bundle.resources().putObject("cpu");
        cpu.put("quota", 10_000).put("period", 100_000);
        bundle.write();
        String stdout = runOk("timeout 1 sh -c 'while :; do :; done'; grep nr_throttled /sys/fs/cgroup/cpu/cpu.stat;"
                + " cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us");
        long throttled = Long.parseLong(stdout.lines().toList().get(0).split(" ")[1]);
        assertTrue(throttled > 0, "a busy loop under a 10% quota was never throttled: " + stdout);
        assertEquals("10000", stdout.lines().toList().get(1));
    }

    @Test
    void limitsAreInTheKernelFilesWhileRunning() throws Exception {
        bundle.resources().putObject("memory").put("limit", 64L << 20).put("reservation", 32L << 20);
        bundle.resources().putObject("cpu").put("shares", 512).put("cpus", "0");
        bundle.resources().putObject("pids").put("limit", 99);
        bundle.resources().putObject("blockIO").put("weight", 300);
        bundle.linux().put("cgroupsPath", "/berth-test/" + id);
        bundle.shell("sleep 1000").write();
        runtime.create(id, bundle.dir, CreateOptions.DEFAULT);
        try {
            Path cg = Path.of("/sys/fs/cgroup");
            assertEquals("67108864", read(cg.resolve("memory/berth-test/" + id + "/memory.limit_in_bytes")));
            assertEquals("33554432", read(cg.resolve("memory/berth-test/" + id + "/memory.soft_limit_in_bytes")));
            assertEquals("512", read(cg.resolve("cpu/berth-test/" + id + "/cpu.shares")));
            assertEquals("0", read(cg.resolve("cpuset/berth-test/" + id + "/cpuset.cpus")));
            assertEquals("99", read(cg.resolve("pids/berth-test/" + id + "/pids.max")));
            int pid = runtime.state(id).pid();
            assertTrue(read(cg.resolve("memory/berth-test/" + id + "/cgroup.procs")).lines().anyMatch(l -> l.equals(Integer.toString(pid))));
        } finally {
            runtime.delete(id, true);
        }
        assertTrue(Files.notExists(Path.of("/sys/fs/cgroup/memory/berth-test")), "the parent berth created is gone too");
    }

    @Test
    void deviceCgroupDeniesUnlistedDevices() {
        grantCapabilities("CAP_MKNOD");
        // mknod is allowed (c *:* m) but reading a disk-like device it was not granted is not.
        Result result = run("mknod /dev/sdz b 8 0 && head -c1 /dev/sdz");
        assertTrue(result.exitCode() != 0, "read of an unlisted block device succeeded");
        assertTrue(result.stderr().contains("Operation not permitted"), result.stderr());
    }

    @Test
    void linuxDevicesAreCreatedAndUsable() {
        bundle.linux().putArray("devices").add(bundle.json(
                "{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229, \"fileMode\": 438, \"uid\": 0, \"gid\": 0}"));
        bundle.write();
        // stat prints major:minor in hex: 10:229 is a:e5.
        assertEquals("character special file a:e5 666\n", runOk("stat -c '%F %t:%T %a' /dev/fuse"));
    }

    @Test
    void defaultDevicesExist() {
        String stdout = runOk("for d in null zero full random urandom tty; do stat -c '%n %t:%T %a' /dev/$d; done;"
                + " head -c 4 /dev/zero | wc -c; readlink /dev/ptmx; readlink /dev/fd");
        assertEquals(String.join("\n", "/dev/null 1:3 666", "/dev/zero 1:5 666", "/dev/full 1:7 666",
                "/dev/random 1:8 666", "/dev/urandom 1:9 666", "/dev/tty 5:0 666", "4", "pts/ptmx", "/proc/self/fd", ""), stdout);
    }

    private static String read(Path file) throws java.io.IOException {
        return Files.readString(file).trim();
    }
}
