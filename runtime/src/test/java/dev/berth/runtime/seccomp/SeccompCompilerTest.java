package dev.berth.runtime.seccomp;

import static dev.berth.runtime.seccomp.Profiles.arg;
import static dev.berth.runtime.seccomp.Profiles.list;
import static dev.berth.runtime.seccomp.Profiles.masked;
import static dev.berth.runtime.seccomp.Profiles.profile;
import static dev.berth.runtime.seccomp.Profiles.rule;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.spec.Seccomp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What compiled filters decide, checked by running them in {@link BpfInterpreter}. Syscall
 * numbers are those of the kernel's {@code <asm/unistd_64.h>}, {@code unistd_32.h} and
 * {@code unistd_x32.h}.
 */
class SeccompCompilerTest {
    static final int X86_64 = 0xC000003E;
    static final int I386 = 0x40000003;
    static final int AARCH64 = 0xC00000B7;
    static final int X32_BIT = 0x40000000;

    static final int ALLOW = 0x7FFF0000;
    static final int KILL_THREAD = 0;
    static final int KILL_PROCESS = 0x80000000;
    static final int TRAP = 0x00030000;
    static final int LOG = 0x7FFC0000;

    static final int READ = 0;
    static final int RT_SIGACTION = 13;
    static final int GETPID = 39;
    static final int MKDIR = 83;
    static final int GETUID = 102;
    static final int PERSONALITY = 135;
    static final int I386_MKDIR = 39;
    static final int I386_PERSONALITY = 136;
    static final int I386_RT_SIGACTION = 174;
    static final int X32_RT_SIGACTION = X32_BIT | 512;

    static int errno(int errno) {
        return 0x00050000 | errno;
    }

    static int trace(int message) {
        return 0x7FF00000 | message;
    }

    static BpfInterpreter compile(Seccomp profile) {
        return new BpfInterpreter(SeccompCompiler.compile(profile).sockFilters());
    }

    @Test
    void everyComparisonUsesBothHalvesOfTheValue() {
        // Values whose halves disagree: high half 1 and low half 5, and a "negative" uint64.
        for (long value : new long[] {0x0000_0001_0000_0005L, 0xFFFF_FFFF_FFFF_FFFEL}) {
            long[] candidates = {0, 5, 6, 0xFFFF_FFFFL, value - 1, value, value + 1, value ^ (1L << 32),
                0x0000_0002_0000_0000L, 0x0000_0001_0000_0004L, 0x0000_0001_0000_0006L, -1L, Long.MIN_VALUE};
            for (String op : List.of("EQ", "NE", "LT", "LE", "GT", "GE")) {
                BpfInterpreter filter = compile(profile("SCMP_ACT_ERRNO",
                        rule("SCMP_ACT_ALLOW", "personality", arg(0, "SCMP_CMP_" + op, value))));
                for (long candidate : candidates) {
                    int order = Long.compareUnsigned(candidate, value);
                    boolean holds = switch (op) {
                        case "EQ" -> order == 0;
                        case "NE" -> order != 0;
                        case "LT" -> order < 0;
                        case "LE" -> order <= 0;
                        case "GT" -> order > 0;
                        default -> order >= 0;
                    };
                    assertEquals(holds ? ALLOW : errno(1), filter.run(X86_64, PERSONALITY, candidate).action(),
                            () -> Long.toHexString(candidate) + " " + op + " " + Long.toHexString(value));
                }
            }
        }
    }

    @Test
    void maskedEqualMasksBothHalves() {
        BpfInterpreter filter = compile(profile("SCMP_ACT_ERRNO",
                rule("SCMP_ACT_ALLOW", "personality", masked(1, 0xFF00_0000_0000_00F0L, 0x1200_0000_0000_0030L))));
        assertEquals(ALLOW, filter.run(X86_64, PERSONALITY, 0, 0x1234_5678_9ABC_DE3FL).action());
        assertEquals(ALLOW, filter.run(X86_64, PERSONALITY, -1, 0x1200_0000_0000_0030L).action());
        assertEquals(errno(1), filter.run(X86_64, PERSONALITY, 0, 0x1334_5678_9ABC_DE3FL).action(), "high half");
        assertEquals(errno(1), filter.run(X86_64, PERSONALITY, 0, 0x1234_5678_9ABC_DE4FL).action(), "low half");
        assertEquals(errno(1), filter.run(X86_64, PERSONALITY, 0x1234_5678_9ABC_DE3FL, 0).action(), "argument 0");
    }

    @Test
    void dockersCloneRuleAllowsThreadsButNotNamespaces() {
        // Docker's: clone is allowed when (flags & 0x7E020000) == 0, i.e. no CLONE_NEW* flag.
        BpfInterpreter filter = compile(profile("SCMP_ACT_ERRNO",
                rule("SCMP_ACT_ALLOW", "clone", masked(0, 2114060288L, 0))));
        int clone = 56;
        long threadFlags = 0x3D0F00; // CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID
        assertEquals(ALLOW, filter.run(X86_64, clone, threadFlags).action());
        assertEquals(ALLOW, filter.run(X86_64, clone, 17).action(), "fork: SIGCHLD only");
        assertEquals(errno(1), filter.run(X86_64, clone, 0x10000000L | 17).action(), "CLONE_NEWUSER");
        assertEquals(errno(1), filter.run(X86_64, clone, 0x20000L).action(), "CLONE_NEWNS");
    }

    @Test
    void allConditionsOfARuleMustHold() {
        BpfInterpreter filter = compile(profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ALLOW", "personality",
                arg(0, "SCMP_CMP_GE", 1), arg(1, "SCMP_CMP_GT", 5), arg(0, "SCMP_CMP_NE", 2))));
        assertEquals(ALLOW, filter.run(X86_64, PERSONALITY, 1, 6).action());
        assertEquals(ALLOW, filter.run(X86_64, PERSONALITY, 3, 1L << 40).action());
        assertEquals(errno(1), filter.run(X86_64, PERSONALITY, 1, 5).action(), "a1 > 5 fails");
        assertEquals(errno(1), filter.run(X86_64, PERSONALITY, 0, 6).action(), "a0 >= 1 fails");
        assertEquals(errno(1), filter.run(X86_64, PERSONALITY, 2, 6).action(), "a0 != 2 fails (same argument)");
    }

    @Test
    void conditionalRulesAreTriedInProfileOrder() {
        BpfInterpreter filter = compile(profile("SCMP_ACT_KILL_PROCESS",
                rule("SCMP_ACT_ERRNO", 11L, list("personality"), arg(0, "SCMP_CMP_GE", 10)),
                rule("SCMP_ACT_ALLOW", "personality", arg(0, "SCMP_CMP_GE", 5)),
                rule("SCMP_ACT_ERRNO", 22L, list("personality", "getpid"), arg(0, "SCMP_CMP_GE", 0))));
        assertEquals(errno(11), filter.run(X86_64, PERSONALITY, 12).action());
        assertEquals(ALLOW, filter.run(X86_64, PERSONALITY, 7).action());
        assertEquals(errno(22), filter.run(X86_64, PERSONALITY, 1).action());
        assertEquals(errno(22), filter.run(X86_64, GETPID, 12).action(), "getpid has only the third rule");
        assertEquals(KILL_PROCESS, filter.run(X86_64, READ).action(), "no rule: the default");
    }

    @Test
    void anUnconditionalRuleDecidesItsSyscallWhereverItStands() {
        Seccomp.Syscall conditional = rule("SCMP_ACT_ALLOW", "personality", arg(0, "SCMP_CMP_EQ", 1));
        Seccomp.Syscall unconditional = rule("SCMP_ACT_ERRNO", 5L, list("personality"));
        Seccomp.Syscall second = rule("SCMP_ACT_TRAP", "personality");
        for (Seccomp profile : List.of(profile("SCMP_ACT_KILL", conditional, unconditional, second),
                profile("SCMP_ACT_KILL", unconditional, second, conditional))) {
            BpfInterpreter filter = compile(profile);
            assertEquals(errno(5), filter.run(X86_64, PERSONALITY, 1).action(),
                    "libseccomp drops the conditional rule");
            assertEquals(errno(5), filter.run(X86_64, PERSONALITY, 0).action(),
                    "and keeps the first unconditional one");
        }
    }

    @Test
    void rulesWithTheDefaultActionAreSkippedAsRuncDoes() {
        BpfInterpreter filter = compile(profile("SCMP_ACT_ERRNO",
                rule("SCMP_ACT_ERRNO", "personality", arg(0, "SCMP_CMP_EQ", 1)),
                rule("SCMP_ACT_ERRNO", 2L, list("personality"), arg(0, "SCMP_CMP_EQ", 2)),
                rule("SCMP_ACT_ALLOW", "personality", arg(0, "SCMP_CMP_LE", 5))));
        assertEquals(ALLOW, filter.run(X86_64, PERSONALITY, 1).action(), "the EPERM rule equals the default");
        assertEquals(errno(2), filter.run(X86_64, PERSONALITY, 2).action(), "another errno is another action");
        assertEquals(errno(1), filter.run(X86_64, PERSONALITY, 6).action());
    }

    @Test
    void everyActionWithItsData() {
        BpfInterpreter filter = compile(profile("SCMP_ACT_ERRNO", 95L, null,
                rule("SCMP_ACT_KILL", "read"),
                rule("SCMP_ACT_KILL_THREAD", "write"),
                rule("SCMP_ACT_KILL_PROCESS", "open"),
                rule("SCMP_ACT_TRAP", "close"),
                rule("SCMP_ACT_ERRNO", "stat"),
                rule("SCMP_ACT_ERRNO", 38L, list("fstat")),
                rule("SCMP_ACT_ERRNO", 0L, list("lstat")),
                rule("SCMP_ACT_TRACE", "poll"),
                rule("SCMP_ACT_TRACE", 65535L, list("lseek")),
                rule("SCMP_ACT_LOG", "mmap"),
                rule("SCMP_ACT_ALLOW", "mprotect")));
        int[] expected = {KILL_THREAD, KILL_THREAD, KILL_PROCESS, TRAP, errno(1), errno(38), errno(0), trace(1),
            trace(65535), LOG, ALLOW, errno(95)};
        for (int nr = 0; nr < expected.length; nr++) {
            assertEquals(expected[nr], filter.run(X86_64, nr).action(), "syscall " + nr);
        }
        assertEquals(errno(1), compile(profile("SCMP_ACT_ERRNO")).run(X86_64, READ).action(), "EPERM by default");
        assertEquals(trace(1), compile(profile("SCMP_ACT_TRACE")).run(X86_64, READ).action());
        assertEquals(KILL_PROCESS, compile(profile("SCMP_ACT_KILL_PROCESS")).run(X86_64, READ).action());
    }

    @Test
    void syscallsOfArchitecturesTheProfileDoesNotListAreKilled() {
        BpfInterpreter filter = compile(profile("SCMP_ACT_ALLOW", rule("SCMP_ACT_ERRNO", "mkdir")));
        assertEquals(ALLOW, filter.run(X86_64, GETPID).action());
        assertEquals(errno(1), filter.run(X86_64, MKDIR).action());
        assertEquals(KILL_THREAD, filter.run(I386, GETPID).action(), "i386");
        assertEquals(KILL_THREAD, filter.run(X86_64, X32_BIT | GETPID).action(), "x32");
        assertEquals(KILL_THREAD, filter.run(AARCH64, GETPID).action(), "aarch64");
        assertEquals(KILL_THREAD, filter.run(X86_64, -1).action(), "nr -1 has the x32 bit");
    }

    @Test
    void x86AndX32HaveTheirOwnSyscallNumbers() {
        BpfInterpreter filter = compile(profile("SCMP_ACT_ALLOW", null, list("SCMP_ARCH_X86", "SCMP_ARCH_X32"),
                rule("SCMP_ACT_ERRNO", 13L, list("mkdir")), rule("SCMP_ACT_TRAP", "rt_sigaction")));
        assertEquals(errno(13), filter.run(X86_64, MKDIR).action());
        assertEquals(ALLOW, filter.run(X86_64, GETPID).action());
        assertEquals(errno(13), filter.run(I386, I386_MKDIR).action(), "mkdir is 39 on i386");
        assertEquals(ALLOW, filter.run(I386, MKDIR).action(), "83 is symlink on i386");
        assertEquals(errno(13), filter.run(X86_64, X32_BIT | MKDIR).action(), "x32 shares the common numbers");
        assertEquals(ALLOW, filter.run(X86_64, X32_BIT | READ).action());
        assertEquals(TRAP, filter.run(X86_64, RT_SIGACTION).action());
        assertEquals(TRAP, filter.run(X86_64, X32_RT_SIGACTION).action(), "x32's rt_sigaction is 512");
        assertEquals(ALLOW, filter.run(X86_64, X32_BIT | RT_SIGACTION).action(), "13 is x86_64-only");
        assertEquals(TRAP, filter.run(I386, I386_RT_SIGACTION).action());
        assertEquals(KILL_THREAD, filter.run(AARCH64, MKDIR).action());
    }

    @Test
    void x86AndX32CompareOnlyTheLow32Bits() {
        BpfInterpreter filter = compile(profile("SCMP_ACT_ERRNO", null, list("SCMP_ARCH_X86", "SCMP_ARCH_X32"),
                rule("SCMP_ACT_ALLOW", "personality", arg(0, "SCMP_CMP_EQ", -1L)),
                rule("SCMP_ACT_ALLOW", "getpid", arg(0, "SCMP_CMP_GT", 0x1_0000_0005L))));
        assertEquals(ALLOW, filter.run(X86_64, PERSONALITY, -1L).action());
        assertEquals(errno(1), filter.run(X86_64, PERSONALITY, 0xFFFF_FFFFL).action(), "x86_64: all 64 bits");
        assertEquals(ALLOW, filter.run(I386, I386_PERSONALITY, 0xFFFF_FFFFL).action(), "i386: -1 cut to 32 bits");
        assertEquals(ALLOW, filter.run(X86_64, X32_BIT | PERSONALITY, 0xFFFF_FFFFL).action(), "x32 likewise");
        // libseccomp cuts the value too: "a0 > 0x100000005" becomes "a0 > 5" on 32-bit ABIs.
        assertEquals(ALLOW, filter.run(I386, 20, 6).action(), "i386 getpid is 20");
        assertEquals(errno(1), filter.run(I386, 20, 5).action());
        assertEquals(errno(1), filter.run(X86_64, GETPID, 6).action());
    }

    @Test
    void namesOfOtherAbisAndArchitecturesAreSkipped() {
        // socketcall is i386-only, send exists on ARM (i386 has it only inside socketcall).
        BpfInterpreter filter = compile(profile("SCMP_ACT_ERRNO",
                rule("SCMP_ACT_ALLOW", null, list("socketcall", "send", "read"))));
        assertEquals(ALLOW, filter.run(X86_64, READ).action());
        assertEquals(errno(1), filter.run(X86_64, GETUID).action(), "102 is socketcall on i386 only");
        assertEquals(errno(1), filter.run(X86_64, MKDIR).action());
    }

    @Test
    void architecturesOtherThanX86AreLeftOut() {
        Seccomp.Syscall mkdir = rule("SCMP_ACT_ERRNO", "mkdir");
        byte[] plain = SeccompCompiler.compile(profile("SCMP_ACT_ALLOW", mkdir)).sockFilters();
        List<String> others = list("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_X86_64", "SCMP_ARCH_S390X");
        byte[] withOthers = SeccompCompiler.compile(profile("SCMP_ACT_ALLOW", null, others, mkdir)).sockFilters();
        assertArrayEquals(plain, withOthers, "an x86_64 kernel never runs their syscalls");
    }

    @Test
    void aProfileWithoutRulesGivesTheDefaultToEverySyscall() {
        BpfInterpreter filter = compile(profile("SCMP_ACT_KILL_PROCESS"));
        for (int nr : new int[] {READ, MKDIR, 1000, X32_BIT - 1}) {
            assertEquals(KILL_PROCESS, filter.run(X86_64, nr).action(), "syscall " + nr);
        }
        assertEquals(KILL_THREAD, filter.run(I386, READ).action());
    }

    @Test
    void flagsBecomeSeccompFilterFlags() {
        Seccomp all = new Seccomp("SCMP_ACT_ALLOW", null, null, list("SECCOMP_FILTER_FLAG_TSYNC",
                "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"), null, null, List.of());
        assertEquals(7, SeccompCompiler.compile(all).flags());
        Seccomp waitKillable = new Seccomp("SCMP_ACT_ALLOW", null, null,
                list("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"), null, null, List.of());
        assertEquals(0, SeccompCompiler.compile(waitKillable).flags(), "only meaningful with a notify listener");
        assertEquals(0, SeccompCompiler.compile(profile("SCMP_ACT_ALLOW")).flags());
    }

    @Test
    void theSearchOverSyscallNumbersRunsFewInstructions() {
        // Every second syscall allowed: about 300 ranges of alternating outcomes.
        Seccomp.Syscall[] rules = new Seccomp.Syscall[150];
        String[] names = AbiTest.names("syscall_64.tbl", "common", "64").toArray(String[]::new);
        for (int i = 0; i < rules.length; i++) {
            rules[i] = rule("SCMP_ACT_ALLOW", names[2 * i]);
        }
        BpfInterpreter filter = compile(profile("SCMP_ACT_ERRNO", rules));
        int worst = 0;
        for (int nr = 0; nr < 600; nr++) {
            worst = Math.max(worst, filter.run(X86_64, nr).steps());
        }
        // 3 for the architecture, 1 to load nr, about log2(300) tests, 1 return, far-jump hops.
        assertTrue(worst <= 16, "a syscall took " + worst + " instructions");
    }
}
