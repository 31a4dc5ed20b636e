package dev.berth.spec;

import java.util.List;
import java.util.Set;

/** The checks of {@link SpecValidator} for {@code linux.seccomp} (config-linux.md "Seccomp"). */
final class SeccompChecks {

    private static final Set<String> ACTIONS = Set.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
            "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",
            "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY");

    /** The actions whose return value an errno can set (config-linux.md: others MUST fail). */
    private static final Set<String> ERRNO_ACTIONS = Set.of("SCMP_ACT_ERRNO", "SCMP_ACT_TRACE");

    private static final Set<String> OPERATORS = Set.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",
            "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");

    private static final Set<String> ARCHITECTURES = Set.of("SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
            "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
            "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
            "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
            "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB");

    private static final Set<String> FLAGS = Set.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");

    /** seccomp_data has six syscall arguments. */
    private static final long MAX_ARG_INDEX = 5;

    private SeccompChecks() {
    }

    static void check(Seccomp seccomp, Problems problems) {
        if (seccomp == null) {
            return;
        }
        String path = "linux.seccomp";
        checkAction(path + ".defaultAction", seccomp.defaultAction(), problems);
        checkErrno(path + ".defaultErrnoRet", seccomp.defaultErrnoRet(), seccomp.defaultAction(), problems);
        checkNames(path + ".architectures", seccomp.architectures(), ARCHITECTURES, "architecture", problems);
        checkNames(path + ".flags", seccomp.flags(), FLAGS, "flag", problems);
        boolean listener = seccomp.listenerPath() != null && !seccomp.listenerPath().isEmpty();
        if (seccomp.listenerMetadata() != null && !seccomp.listenerMetadata().isEmpty() && !listener) {
            problems.add(path + ".listenerMetadata", "must not be set without listenerPath");
        }
        List<Seccomp.Syscall> syscalls = SpecValidator.emptyIfNull(seccomp.syscalls());
        for (int i = 0; i < syscalls.size(); i++) {
            checkSyscall(Problems.at(path + ".syscalls", i), syscalls.get(i), problems);
        }
    }

    private static void checkSyscall(String path, Seccomp.Syscall syscall, Problems problems) {
        if (!problems.required(path, syscall)) {
            return;
        }
        if (syscall.names() == null || syscall.names().isEmpty()) {
            problems.add(path + ".names", "must contain at least one syscall name");
        } else {
            SpecValidator.checkStrings(path + ".names", syscall.names(), problems);
        }
        checkAction(path + ".action", syscall.action(), problems);
        checkErrno(path + ".errnoRet", syscall.errnoRet(), syscall.action(), problems);
        List<Seccomp.Arg> args = SpecValidator.emptyIfNull(syscall.args());
        for (int j = 0; j < args.size(); j++) {
            String at = Problems.at(path + ".args", j);
            Seccomp.Arg arg = args.get(j);
            if (!problems.required(at, arg)) {
                continue;
            }
            if (problems.required(at + ".index", arg.index()) && arg.index() > MAX_ARG_INDEX) {
                problems.add(at + ".index", "must be from 0 to 5, got " + arg.index());
            }
            problems.required(at + ".value", arg.value());
            if (problems.required(at + ".op", arg.op()) && !OPERATORS.contains(arg.op())) {
                problems.add(at + ".op", "unknown operator " + JsonText.quote(arg.op()));
            }
        }
    }

    private static void checkAction(String path, String action, Problems problems) {
        if (problems.required(path, action) && !ACTIONS.contains(action)) {
            problems.add(path, "unknown action " + JsonText.quote(action));
        }
    }

    private static void checkErrno(String path, Long errno, String action, Problems problems) {
        if (errno != null && action != null && ACTIONS.contains(action) && !ERRNO_ACTIONS.contains(action)) {
            problems.add(path, "can only be set with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not " + action);
        }
    }

    private static void checkNames(String path, List<String> names, Set<String> known, String what, Problems problems) {
        List<String> list = SpecValidator.emptyIfNull(names);
        for (int i = 0; i < list.size(); i++) {
            String at = Problems.at(path, i);
            if (problems.required(at, list.get(i)) && !known.contains(list.get(i))) {
                problems.add(at, "unknown " + what + " " + JsonText.quote(list.get(i)));
            }
        }
    }
}
