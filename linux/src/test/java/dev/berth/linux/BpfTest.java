package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * bpf(2) against the real kernel: loading (and the verifier's refusal, with its log), and
 * attaching, querying and detaching on a cgroup2 directory this test creates under the hybrid
 * host's /sys/fs/cgroup/unified and removes again.
 */
class BpfTest {
    private static final Path UNIFIED = Path.of("/sys/fs/cgroup/unified");
    /** mov64 r0, 1; exit: allows every access. */
    private static final byte[] ALLOW_ALL = {(byte) 0xb7, 0, 0, 0, 1, 0, 0, 0, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0};
    /** exit alone: R0 was never written, which the verifier refuses ("R0 !read_ok"). */
    private static final byte[] EXIT_ONLY = {(byte) 0x95, 0, 0, 0, 0, 0, 0, 0};

    private final Path cgroup = UNIFIED.resolve("berth-test-bpf-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));

    @BeforeEach
    void makeCgroup() throws IOException {
        if (!Files.exists(UNIFIED.resolve("cgroup.procs"))) {
            fail("this test needs the cgroup2 mount at " + UNIFIED + " (hybrid mode, as on berth's CI machines)");
        }
        Files.createDirectory(cgroup);
    }

    @AfterEach
    void removeCgroup() throws IOException {
        // rmdir of an empty cgroup also drops the programs attached to it.
        Files.deleteIfExists(cgroup);
        assertFalse(Files.exists(cgroup));
    }

    @Test
    void aRefusedProgramReportsTheVerifierLog() {
        SyscallException e = assertThrows(SyscallException.class,
                () -> Bpf.loadCgroupDeviceProgram(EXIT_ONLY, "Apache-2.0"));
        assertEquals("EACCES", e.errnoName());
        assertTrue(e.getMessage().startsWith("bpf(BPF_PROG_LOAD): EACCES"), e.getMessage());
        assertTrue(e.getMessage().contains("verifier log:") && e.getMessage().contains("R0"), e.getMessage());
    }

    @Test
    void aProgramThatIsNotWholeInstructionsIsRefusedBeforeTheKernel() {
        assertThrows(IllegalArgumentException.class, () -> Bpf.loadCgroupDeviceProgram(new byte[12], "GPL"));
    }

    @Test
    void attachQueryAndDetachOnARealCgroup() {
        try (Fd dir = Fd.open(cgroup, OpenFlags.O_DIRECTORY | OpenFlags.O_RDONLY, 0);
                Fd first = Bpf.loadCgroupDeviceProgram(ALLOW_ALL, "Apache-2.0");
                Fd second = Bpf.loadCgroupDeviceProgram(ALLOW_ALL, "Apache-2.0")) {
            assertArrayEquals(new int[0], Bpf.cgroupDevicePrograms(dir));
            Bpf.attachCgroupDevice(dir, first);
            Bpf.attachCgroupDevice(dir, second);
            int[] ids = Bpf.cgroupDevicePrograms(dir);
            assertEquals(2, ids.length, "BPF_F_ALLOW_MULTI keeps both programs attached");

            try (Fd byId = Bpf.programById(ids[0])) {
                Bpf.detachCgroupDevice(dir, byId);
            }
            assertArrayEquals(new int[] {ids[1]}, Bpf.cgroupDevicePrograms(dir));
            SyscallException again = assertThrows(SyscallException.class, () -> {
                try (Fd byId = Bpf.programById(ids[0])) {
                    Bpf.detachCgroupDevice(dir, byId);
                }
            });
            assertEquals("ENOENT", again.errnoName(), again.getMessage());
            assertTrue(again.getMessage().contains(cgroup.toString()), again.getMessage());
        }
    }
}
