package dev.berth.runtime.seccomp;

import dev.berth.spec.Seccomp;
import java.util.List;

/**
 * The meaning of a profile, computed straight from it, rule by rule, with whole 64-bit unsigned
 * comparisons: what the compiled program must answer for every seccomp_data. Written without
 * the compiler's ranges, halves and jumps, so the two can be compared on random input.
 */
final class ReferenceFilter {
    private final Seccomp profile;

    ReferenceFilter(Seccomp profile) {
        this.profile = profile;
    }

    int expected(int arch, int nr, long... args) {
        Abi abi = abiOf(arch, nr);
        if (abi == null) {
            return Bpf.RET_KILL_THREAD;
        }
        int defaultAction = action(profile.defaultAction(), profile.defaultErrnoRet());
        Integer unconditional = null;
        Integer conditional = null;
        for (Seccomp.Syscall rule : profile.syscalls()) {
            int action = action(rule.action(), rule.errnoRet());
            if (action == defaultAction || rule.names().stream().noneMatch(n -> abi.number(n) == nr)) {
                continue;
            }
            List<Seccomp.Arg> conditions = rule.args() == null ? List.of() : rule.args();
            if (conditions.isEmpty()) {
                unconditional = unconditional == null ? action : unconditional;
            } else if (conditional == null && conditions.stream().allMatch(c -> holds(c, abi, args))) {
                conditional = action;
            }
        }
        return unconditional != null ? unconditional : conditional != null ? conditional : defaultAction;
    }

    /** The ABI of a syscall, or null if the profile does not cover it. */
    private Abi abiOf(int arch, int nr) {
        Abi abi;
        if (arch == Bpf.AUDIT_ARCH_X86_64) {
            abi = Integer.compareUnsigned(nr, Bpf.X32_SYSCALL_BIT) >= 0 ? Abi.X32 : Abi.X86_64;
        } else if (arch == Bpf.AUDIT_ARCH_I386) {
            abi = Abi.I386;
        } else {
            return null;
        }
        List<String> listed = profile.architectures() == null ? List.of() : profile.architectures();
        return abi == Abi.X86_64 || listed.contains(abi.architecture()) ? abi : null;
    }

    private static boolean holds(Seccomp.Arg condition, Abi abi, long[] args) {
        long mask = abi.wideArguments() ? -1L : 0xFFFF_FFFFL;
        int index = condition.index().intValue();
        long actual = (index < args.length ? args[index] : 0) & mask;
        long value = condition.value() & mask;
        long two = (condition.valueTwo() == null ? 0 : condition.valueTwo()) & mask;
        int order = Long.compareUnsigned(actual, value);
        return switch (condition.op()) {
            case "SCMP_CMP_EQ" -> order == 0;
            case "SCMP_CMP_NE" -> order != 0;
            case "SCMP_CMP_LT" -> order < 0;
            case "SCMP_CMP_LE" -> order <= 0;
            case "SCMP_CMP_GT" -> order > 0;
            case "SCMP_CMP_GE" -> order >= 0;
            case "SCMP_CMP_MASKED_EQ" -> (actual & value) == two;
            default -> throw new AssertionError("operator " + condition.op());
        };
    }

    static int action(String name, Long errnoRet) {
        int data = errnoRet == null ? 1 : errnoRet.intValue();
        return switch (name) {
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> 0;
            case "SCMP_ACT_KILL_PROCESS" -> 0x80000000;
            case "SCMP_ACT_TRAP" -> 0x00030000;
            case "SCMP_ACT_ERRNO" -> 0x00050000 | data;
            case "SCMP_ACT_TRACE" -> 0x7FF00000 | data;
            case "SCMP_ACT_LOG" -> 0x7FFC0000;
            case "SCMP_ACT_ALLOW" -> 0x7FFF0000;
            default -> throw new AssertionError("action " + name);
        };
    }
}
