package dev.berth.runtime.seccomp;

import static dev.berth.runtime.seccomp.Profiles.arg;
import static dev.berth.runtime.seccomp.Profiles.profile;
import static dev.berth.runtime.seccomp.Profiles.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.spec.Seccomp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Programs far longer than a conditional jump reaches (255 instructions): every target must still
 * be reached, through {@code ja} trampolines, and the kernel's 4096-instruction limit is enforced.
 */
class LongProgramTest {
    private static final int X86_64 = SeccompCompilerTest.X86_64;

    @Test
    void everySyscallOfALongProgramReachesItsOwnRule() {
        List<String> names = AbiTest.names("syscall_64.tbl", "common", "64");
        Seccomp.Syscall[] rules = new Seccomp.Syscall[names.size()];
        for (int i = 0; i < rules.length; i++) {
            long key = Abi.X86_64.number(names.get(i)) * 7L + 3 + (1L << 33);
            rules[i] = rule("SCMP_ACT_ALLOW", names.get(i), arg(0, "SCMP_CMP_EQ", key));
        }
        Seccomp profile = profile("SCMP_ACT_ERRNO", rules);
        BpfInterpreter filter = new BpfInterpreter(SeccompCompiler.compile(profile).sockFilters());
        assertTrue(filter.length() > 2000, "length " + filter.length());
        assertTrue(filter.countOf(Bpf.JMP_JA) > 10, "far jumps go through trampolines");
        for (String name : names) {
            int nr = Abi.X86_64.number(name);
            long key = nr * 7L + 3 + (1L << 33);
            assertEquals(SeccompCompilerTest.ALLOW, filter.run(X86_64, nr, key).action(), name);
            assertEquals(SeccompCompilerTest.errno(1), filter.run(X86_64, nr, key + 1).action(), name);
            assertEquals(SeccompCompilerTest.errno(1), filter.run(X86_64, nr, key & 0xFFFF_FFFFL).action(), name);
        }
        assertEquals(SeccompCompilerTest.errno(1), filter.run(X86_64, 1000, 0).action());
    }

    @Test
    void programsOverTheKernelLimitAreRefused() {
        List<String> names = AbiTest.names("syscall_64.tbl", "common", "64");
        Seccomp.Syscall[] rules = new Seccomp.Syscall[names.size()];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = rule("SCMP_ACT_ALLOW", names.get(i), arg(0, "SCMP_CMP_GT", i), arg(1, "SCMP_CMP_LT", i),
                    arg(2, "SCMP_CMP_GE", i));
        }
        SeccompException e = assertThrows(SeccompException.class,
                () -> SeccompCompiler.compile(profile("SCMP_ACT_ERRNO", rules)));
        assertTrue(e.getMessage().startsWith("linux.seccomp: the filter needs "), e.getMessage());
        assertTrue(e.getMessage().endsWith("more than the kernel's limit of 4096 (BPF_MAXINSNS)"), e.getMessage());
    }

    @Test
    void conditionalJumpsBeyond255GoThroughTrampolines() {
        // jt or jf, or both, 300 instructions away; the interpreter checks every offset is in range.
        for (int far : new int[] {1, 2, 3}) {
            BpfAssembler asm = new BpfAssembler();
            BpfAssembler.Label near = asm.label();
            BpfAssembler.Label distant = asm.label();
            BpfAssembler.Label other = asm.label();
            asm.loadWord(Bpf.NR_OFFSET);
            asm.jumpIf(Bpf.JMP_JEQ_K, 7, (far & 1) != 0 ? distant : near, (far & 2) != 0 ? other : near);
            asm.place(near);
            asm.ret(100);
            for (int i = 0; i < 300; i++) {
                asm.ret(i + 1000);
            }
            asm.place(distant);
            asm.ret(200);
            asm.place(other);
            asm.ret(300);
            BpfInterpreter program = new BpfInterpreter(asm.assemble());
            assertEquals((far & 1) != 0 ? 200 : 100, program.run(X86_64, 7).action(), "true branch, case " + far);
            assertEquals((far & 2) != 0 ? 300 : 100, program.run(X86_64, 8).action(), "false branch, case " + far);
            assertEquals(far == 3 ? 2 : 1, program.countOf(Bpf.JMP_JA), "trampolines, case " + far);
        }
    }

    @Test
    void aTargetExactly255AwayNeedsNoTrampoline() {
        BpfAssembler asm = new BpfAssembler();
        BpfAssembler.Label target = asm.label();
        BpfAssembler.Label next = asm.label();
        asm.loadWord(Bpf.NR_OFFSET);
        asm.jumpIf(Bpf.JMP_JGE_K, 1, target, next);
        asm.place(next);
        for (int i = 0; i < 255; i++) {
            asm.ret(i);
        }
        asm.place(target);
        asm.ret(4242);
        BpfInterpreter program = new BpfInterpreter(asm.assemble());
        assertEquals(0, program.countOf(Bpf.JMP_JA));
        assertEquals(4242, program.run(X86_64, 5).action());
        assertEquals(0, program.run(X86_64, 0).action());
    }

    @Test
    void manyJumpsToOneFarTargetShareTrampolinesAtEveryDistance() {
        // 600 tests of nr, each jumping to the same return 300 instructions past the last test:
        // every distance from 301 to 900 occurs, including those where a trampoline is just in
        // or just out of reach.
        BpfAssembler asm = new BpfAssembler();
        BpfAssembler.Label shared = asm.label();
        asm.loadWord(Bpf.NR_OFFSET);
        for (int i = 0; i < 600; i++) {
            BpfAssembler.Label next = asm.label();
            asm.jumpIf(Bpf.JMP_JEQ_K, i, shared, next);
            asm.place(next);
        }
        asm.ret(1);
        for (int i = 0; i < 300; i++) {
            asm.ret(i + 1000);
        }
        asm.place(shared);
        asm.ret(999);
        BpfInterpreter program = new BpfInterpreter(asm.assemble());
        for (int nr = 0; nr < 600; nr++) {
            assertEquals(999, program.run(X86_64, nr).action(), "nr " + nr);
        }
        assertEquals(1, program.run(X86_64, 600).action());
        assertTrue(program.countOf(Bpf.JMP_JA) <= 4, "trampolines: " + program.countOf(Bpf.JMP_JA));
    }
}
