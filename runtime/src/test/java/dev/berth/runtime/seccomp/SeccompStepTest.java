package dev.berth.runtime.seccomp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.runtime.plan.LaunchPlan;
import dev.berth.runtime.plan.Step;
import dev.berth.runtime.plan.StepCode;
import dev.berth.runtime.plan.Steps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SECCOMP step as the launcher reads it: s0 the instructions, a their count, b the flags. */
class SeccompStepTest {
    @Test
    void carriesTheProgramItsLengthAndTheFlags() {
        SeccompProgram program = SeccompCompiler.compile(Profiles.profile("SCMP_ACT_ALLOW",
                Profiles.rule("SCMP_ACT_ERRNO", "mkdir")));
        Step step = Steps.seccomp(program.sockFilters(), 0x80000001, "install seccomp filter");
        assertEquals(StepCode.SECCOMP, step.code());
        assertEquals(35, step.code().code());
        assertEquals(program.instructionCount(), step.a());
        assertEquals(0x80000001L, step.b(), "flags are an unsigned int");
        assertArrayEquals(program.sockFilters(), step.s0());
        assertEquals("install seccomp filter", new LaunchPlan(List.of(step)).describe(0));
    }

    @Test
    void travelsUnchangedInTheEncodedPlan() {
        byte[] program = SeccompCompiler.compile(Profiles.profile("SCMP_ACT_LOG")).sockFilters();
        byte[] encoded = new LaunchPlan(List.of(Steps.seccomp(program, 2, "filter"))).encode();
        ByteBuffer in = ByteBuffer.wrap(encoded).order(ByteOrder.nativeOrder());
        in.position(12 + 4); // header, step count
        assertEquals(35, in.getInt());
        assertEquals(0, in.getInt(), "step flags");
        assertEquals(program.length / 8, in.getLong());
        assertEquals(2, in.getLong());
        in.getLong();
        in.getLong();
        assertEquals(program.length, in.getInt());
        byte[] s0 = new byte[program.length];
        in.get(s0);
        assertArrayEquals(program, s0, "not NUL-terminated like the string arguments");
        assertEquals(0, in.getInt(), "s1 absent");
    }

    @Test
    void refusesWhatIsNotAProgram() {
        assertThrows(IllegalArgumentException.class, () -> Steps.seccomp(new byte[0], 0, "x"));
        assertThrows(IllegalArgumentException.class, () -> Steps.seccomp(new byte[12], 0, "x"));
        assertThrows(IllegalArgumentException.class, () -> Steps.seccomp(new byte[8 * 4097], 0, "x"));
        assertEquals(4096, Steps.seccomp(filled(8 * 4096), 0, "x").a());
        assertThrows(NullPointerException.class, () -> Steps.seccomp(null, 0, "x"));
    }

    private static byte[] filled(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) 6);
        return bytes;
    }
}
