package dev.berth.runtime.plan;

import dev.berth.spec.MountOptions;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LaunchPlanTest {
    private static final long MS_NOSUID = MountOptions.MS_NOSUID;
    private static final long MS_NODEV = MountOptions.MS_NODEV;
    private static final long MS_NOEXEC = MountOptions.MS_NOEXEC;

    private static byte[] nul(String s) {
        return (s + "\0").getBytes(UTF_8);
    }

    @Test
    void headerCarriesMagicVersionLengthAndCount() {
        byte[] encoded = new LaunchPlan(List.of(Steps.fork(), Steps.sync())).encode();
        DecodedPlan plan = DecodedPlan.of(encoded);
        assertEquals(0x48545242, plan.magic());
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            assertEquals("BRTH", new String(encoded, 0, 4, UTF_8), "magic reads BRTH on x86");
        }
        assertEquals(1, plan.version());
        assertEquals(2, plan.steps().size());
        // Two steps without strings: count + 2 × (code, flags, 4 longs, 4 empty lengths).
        assertEquals(4 + 2 * (4 + 4 + 32 + 16), plan.bodyLength());
        assertEquals(List.of(3, 4), plan.steps().stream().map(DecodedPlan.Raw::code).toList());
    }

    @Test
    void emptyPlanIsHeaderAndZeroCount() {
        byte[] encoded = new LaunchPlan(List.of()).encode();
        assertEquals(16, encoded.length);
        assertEquals(0, DecodedPlan.of(encoded).steps().size());
    }

    @Test
    void mountStepHasFlagsTargetAndNulTerminatedStrings() {
        long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
        byte[] encoded = new LaunchPlan(List.of(
                Steps.mount("proc", "/proc", "proc", flags, null, Step.IN_ROOT))).encode();
        DecodedPlan.Raw mount = DecodedPlan.of(encoded).steps().getFirst();
        assertEquals(StepCode.MOUNT.code(), mount.code());
        assertEquals(Step.IN_ROOT, mount.flags());
        assertEquals(flags, mount.a());
        assertEquals(List.of(0L, 0L, 0L), List.of(mount.b(), mount.c(), mount.d()));
        assertArrayEquals(nul("proc"), mount.s().get(0));
        assertArrayEquals(nul("/proc"), mount.s().get(1));
        assertArrayEquals(nul("proc"), mount.s().get(2));
        assertEquals(0, mount.s().get(3).length, "absent data has length 0");
    }

    @Test
    void stringsAreUtf8() {
        DecodedPlan.Raw step = DecodedPlan.of(
                new LaunchPlan(List.of(Steps.sethostname("hôte"))).encode()).steps().getFirst();
        assertArrayEquals(new byte[] {'h', (byte) 0xC3, (byte) 0xB4, 't', 'e', 0}, step.s().get(0));
    }

    @Test
    void execPacksArgvAndEnvWithTheirCounts() {
        Step exec = Steps.exec(List.of("sh", "-c", "echo $$"), List.of("PATH=/bin", "TERM=xterm"));
        DecodedPlan.Raw step = DecodedPlan.of(new LaunchPlan(List.of(exec)).encode()).steps().getFirst();
        assertEquals(StepCode.EXEC.code(), step.code());
        assertEquals(3, step.a(), "argc");
        assertEquals(2, step.b(), "envc");
        assertArrayEquals("sh\0-c\0echo $$\0".getBytes(UTF_8), step.s().get(0));
        assertArrayEquals("PATH=/bin\0TERM=xterm\0".getBytes(UTF_8), step.s().get(1));
    }

    @Test
    void emptyEnvIsAnAbsentList() {
        DecodedPlan.Raw step = DecodedPlan.of(new LaunchPlan(List.of(
                Steps.exec(List.of("/bin/true"), List.of()))).encode()).steps().getFirst();
        assertEquals(0, step.b());
        assertEquals(0, step.s().get(1).length);
    }

    @Test
    void setgroupsSendsHostOrderU32Gids() {
        DecodedPlan.Raw step = DecodedPlan.of(new LaunchPlan(List.of(
                Steps.setgroups(List.of(10L, 20L, 4294967294L)))).encode()).steps().getFirst();
        assertEquals(3, step.a());
        ByteBuffer gids = ByteBuffer.wrap(step.s().get(0)).order(ByteOrder.nativeOrder());
        assertEquals(12, gids.remaining());
        assertEquals(List.of(10, 20, -2), List.of(gids.getInt(), gids.getInt(), gids.getInt()));
    }

    @Test
    void stepsFollowEachOtherInOrder() {
        List<Step> steps = List.of(
                Steps.unshare(0x20000000L | 0x20000L), Steps.fork(), Steps.sync(),
                Steps.openRoot("/rootfs"), Steps.mkdirs("/proc", 0755, Step.IN_ROOT),
                Steps.pivotRoot("/rootfs"), Steps.findExec(List.of("/usr/bin/sh", "/bin/sh")),
                Steps.ready(), Steps.waitStart(5), Steps.closeFds(3),
                Steps.exec(List.of("sh"), List.of()));
        List<DecodedPlan.Raw> raw = DecodedPlan.of(new LaunchPlan(steps).encode()).steps();
        assertEquals(steps.stream().map(s -> s.code().code()).toList(),
                raw.stream().map(DecodedPlan.Raw::code).toList());
        assertArrayEquals(nul("/rootfs"), raw.get(3).s().get(0));
        assertEquals(0755, raw.get(4).a());
        assertEquals(2, raw.get(6).a());
        assertArrayEquals("/usr/bin/sh\0/bin/sh\0".getBytes(UTF_8), raw.get(6).s().get(0));
        assertEquals(5, raw.get(8).a());
        assertEquals(3, raw.get(9).a());
    }

    @Test
    void describeNamesTheStepThePlanAndOutOfRangeIndexes() {
        LaunchPlan plan = new LaunchPlan(List.of(
                Steps.fork(), Steps.mount("proc", "/proc", "proc", 0, null, Step.IN_ROOT)));
        assertEquals("fork the container process", plan.describe(0));
        assertEquals("mount `proc` on `/proc`", plan.describe(1));
        assertEquals("read the launch plan", plan.describe(LaunchPlan.PLAN_STEP));
        assertEquals("step 2 (not in the launch plan of 2 steps)", plan.describe(2));
    }

    @Test
    void planIsImmutable() {
        List<Step> steps = new ArrayList<>(List.of(Steps.fork()));
        LaunchPlan plan = new LaunchPlan(steps);
        steps.add(Steps.sync());
        assertEquals(1, plan.steps().size());
        assertThrows(UnsupportedOperationException.class, () -> plan.steps().add(Steps.sync()));
    }

    @Test
    void oversizedPlanIsRefusedBeforeTheLauncherSeesIt() {
        char[] big = new char[LaunchPlan.MAX_BODY_BYTES];
        Arrays.fill(big, 'x');
        LaunchPlan plan = new LaunchPlan(List.of(Steps.writeFile("/f", new String(big), 0)));
        IllegalStateException e = assertThrows(IllegalStateException.class, plan::encode);
        assertTrue(e.getMessage().contains("exceeds the launcher's limit"), e.getMessage());
    }
}
