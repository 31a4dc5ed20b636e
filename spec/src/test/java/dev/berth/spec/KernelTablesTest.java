package dev.berth.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KernelTablesTest {

    @Test
    void capabilityNumbersFollowTheKernelsOrder() {
        assertEquals(0, Capability.number("CAP_CHOWN"));
        assertEquals(5, Capability.number("CAP_KILL"));
        assertEquals(21, Capability.number("CAP_SYS_ADMIN"));
        assertEquals(29, Capability.number("CAP_AUDIT_WRITE"));
        assertEquals(40, Capability.number("CAP_CHECKPOINT_RESTORE"));
        for (Capability capability : Capability.values()) {
            assertEquals(capability.ordinal(), capability.number(), capability.name());
            assertEquals(Optional.of(capability), Capability.byNumber(capability.number()));
        }
        assertEquals(Capability.LAST + 1, Capability.all().size());
    }

    @Test
    void everyCapabilityBerthKnowsExistsOnThisKernel() throws Exception {
        // Not Files.readString: it probes with a 1-byte read, and a sysctl integer file answers
        // the next read (at offset 1) with EOF, so it would return "4" for "40".
        int kernelLast;
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/kernel/cap_last_cap"))) {
            kernelLast = Integer.parseInt(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }

        assertTrue(kernelLast >= Capability.LAST, "kernel cap_last_cap " + kernelLast);
    }

    @Test
    void unknownNamesAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Capability.number("CAP_FLY"));
        assertEquals("unknown capability \"CAP_FLY\"", e.getMessage());
        assertEquals(Optional.empty(), Capability.byName("cap_chown"), "names are exact, upper case");
        assertEquals(Optional.empty(), Capability.byName("LAST"));
        assertEquals(Optional.empty(), RlimitType.byName("NOFILE"));
        assertThrows(IllegalArgumentException.class, () -> RlimitType.number("RLIMIT_FOO"));
    }

    @Test
    void rlimitNumbersAreTheGenericLinuxOnes() {
        assertEquals(0, RlimitType.number("RLIMIT_CPU"));
        assertEquals(4, RlimitType.number("RLIMIT_CORE"));
        assertEquals(6, RlimitType.number("RLIMIT_NPROC"));
        assertEquals(7, RlimitType.number("RLIMIT_NOFILE"));
        assertEquals(9, RlimitType.number("RLIMIT_AS"));
        assertEquals(15, RlimitType.number("RLIMIT_RTTIME"));
        assertEquals(16, RlimitType.all().size());
        for (RlimitType type : RlimitType.values()) {
            assertEquals(type.ordinal(), type.number(), type.name());
        }
    }

    @Test
    void everyRlimitIsOneThisKernelReports() throws Exception {
        // /proc/self/limits has one line per resource, RLIM_NLIMITS (16) of them after the header.
        long lines = Files.readAllLines(Path.of("/proc/self/limits")).size() - 1;

        assertEquals(RlimitType.all().size(), lines);
    }

    @Test
    void namespaceTypesCarryTheirProcNamesAndCloneFlags() {
        assertEquals(0x40000000L, NamespaceType.bySpecName("network").orElseThrow().cloneFlag());
        assertEquals(0x00020000L, NamespaceType.MOUNT.cloneFlag());
        assertEquals(0x00000080L, NamespaceType.TIME.cloneFlag());
        for (NamespaceType type : NamespaceType.values()) {
            assertTrue(Files.exists(Path.of("/proc/self/ns", type.procName())), type.procName());
        }
        assertEquals(Optional.empty(), NamespaceType.bySpecName("net"));
    }
}
