package dev.berth.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.linux.Bpf;
import dev.berth.linux.Fd;
import dev.berth.linux.OpenFlags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Device rules enforced by the kernel: a v2 cgroup on this hybrid host's cgroup2 hierarchy gets
 * the BPF device program (BPF device programs attach to cgroup2 directories whether or not any
 * controller is enabled there), and a shell moved into it opens /dev nodes afterwards: a process
 * keeps fds it opened before, so the program only judges opens made after joining.
 */
class RealV2DevicesTest {
    static final Path UNIFIED = RealV2UnifiedTest.UNIFIED;
    /** Each line reports one open: "<what> ok" or the shell's or tool's error message. */
    static final String PROBE = """
            read go
            (echo x > /dev/null) 2>&1 && echo 'null-write ok'
            (head -c1 /dev/null) 2>&1 && echo 'null-read ok'
            (head -c1 /dev/zero > /dev/null) 2>&1 && echo 'zero-read ok'
            (echo x > /dev/zero) 2>&1 && echo 'zero-write ok'
            (head -c1 /dev/full > /dev/null) 2>&1 && echo 'full-read ok'
            true
            """;

    final String name = "berth-test-dev-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    final RealCgroups real = new RealCgroups();

    @BeforeEach
    void requireUnifiedHierarchy() {
        if (!Files.exists(UNIFIED.resolve("cgroup.procs"))) {
            fail("this test needs the cgroup2 mount at " + UNIFIED + " (hybrid mode, as on berth's CI machines)");
        }
        real.removeLater(UNIFIED.resolve(name));
    }

    @AfterEach
    void cleanUp() throws Exception {
        real.close();
        assertFalse(Files.exists(UNIFIED.resolve(name)), "cgroups left behind");
    }

    @Test
    void theKernelEnforcesTheRulesOnProcessesInTheCgroup() throws Exception {
        List<Resources.DeviceRule> rules = List.of(DeviceProgramTest.DENY_ALL,
                DeviceProgramTest.allow('c', 1L, 3L, "rwm"), DeviceProgramTest.allow('c', 1L, 5L, "r"));
        Cgroup cgroup = CgroupDriver.v2(UNIFIED, "/").create("/" + name + "/d", devices(rules));
        Path dir = UNIFIED.resolve(name).resolve("d");
        int[] attached = attachedPrograms(dir);
        assertEquals(1, attached.length, "one device program on " + dir);

        List<String> out = probe(cgroup);

        assertTrue(out.contains("null-write ok"), out.toString());
        assertTrue(out.contains("null-read ok"), out.toString());
        assertTrue(out.contains("zero-read ok"), out.toString());
        assertFalse(out.contains("zero-write ok"), out.toString());
        assertTrue(out.stream().anyMatch(l -> l.contains("/dev/zero") && l.contains("Operation not permitted")),
                "writing /dev/zero fails with EPERM: " + out);
        assertFalse(out.contains("full-read ok"), out.toString());
        assertTrue(out.stream().anyMatch(l -> l.contains("/dev/full") && l.contains("Operation not permitted")),
                "opening /dev/full fails with EPERM: " + out);

        // The test JVM itself is not in the cgroup: its opens are not judged.
        try (var in = Files.newInputStream(Path.of("/dev/full"))) {
            assertEquals(0, in.read(), "/dev/full reads zeros");
        }
        cgroup.destroy();
    }

    @Test
    void updateReplacesTheProgram() throws Exception {
        List<Resources.DeviceRule> strict = List.of(DeviceProgramTest.DENY_ALL, DeviceProgramTest.allow('c', 1L, 3L, "rwm"));
        Cgroup cgroup = CgroupDriver.v2(UNIFIED, "/").create("/" + name + "/u", devices(strict));
        Path dir = UNIFIED.resolve(name).resolve("u");
        int[] before = attachedPrograms(dir);
        assertFalse(probe(cgroup).contains("full-read ok"));

        cgroup.update(devices(List.of(DeviceProgramTest.DENY_ALL, DeviceProgramTest.allow('c', 1L, 3L, "rwm"),
                DeviceProgramTest.allow('c', 1L, 7L, "r"))));

        int[] after = attachedPrograms(dir);
        assertEquals(1, after.length, "the old program was detached");
        assertNotEquals(before[0], after[0]);
        List<String> out = probe(cgroup);
        assertTrue(out.contains("full-read ok"), out.toString());
        assertFalse(out.contains("zero-read ok"), out.toString());
        cgroup.destroy();
    }

    @Test
    void rulesWithoutDevicesAttachNothing() throws Exception {
        CgroupDriver.v2(UNIFIED, "/").create("/" + name + "/n", Resources.NONE);
        assertEquals(0, attachedPrograms(UNIFIED.resolve(name).resolve("n")).length);
    }

    private static Resources devices(List<Resources.DeviceRule> rules) {
        return new Resources(null, null, null, null, null, rules, null);
    }

    private static int[] attachedPrograms(Path dir) {
        try (Fd fd = Fd.open(dir, OpenFlags.O_DIRECTORY | OpenFlags.O_RDONLY, 0)) {
            return Bpf.cgroupDevicePrograms(fd);
        }
    }

    /** Runs {@link #PROBE} in the cgroup (joined before it opens anything) and returns its lines. */
    private List<String> probe(Cgroup cgroup) throws IOException, InterruptedException {
        Process shell = real.start("sh", "-c", PROBE);
        cgroup.addProcess((int) shell.pid());
        RealCgroups.go(shell);
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(shell.waitFor(10, TimeUnit.SECONDS), "the probe shell did not finish");
        assertEquals(0, shell.exitValue(), out);
        return out.lines().toList();
    }
}
