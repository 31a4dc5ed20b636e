package dev.berth.runtime.seccomp;

import dev.berth.runtime.seccomp.FilterPolicy.Condition;
import dev.berth.runtime.seccomp.FilterPolicy.Operator;
import dev.berth.runtime.seccomp.FilterPolicy.Rule;
import dev.berth.spec.Seccomp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads linux.seccomp (config-linux.md "Seccomp", names as in libseccomp's seccomp.h) into a
 * {@link FilterPolicy}, checking every field and naming the field of each error.
 */
final class ProfileReader {
    private static final String PATH = "linux.seccomp";

    /** EPERM: the errno of SCMP_ACT_ERRNO and SCMP_ACT_TRACE when none is given (config-linux.md). */
    private static final long EPERM = 1;
    /** seccomp_data has six arguments. */
    private static final int ARGUMENTS = 6;

    /** Every architecture libseccomp 2.6 names (config-linux.md lists the same). */
    private static final Set<String> ARCHITECTURES = Set.of("SCMP_ARCH_X86", "SCMP_ARCH_X86_64",
            "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
            "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
            "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
            "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
            "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB");

    /**
     * The SECCOMP_FILTER_FLAG_* bits of {@code <linux/seccomp.h>}. WAIT_KILLABLE_RECV (32) is
     * accepted and left out: the kernel refuses it without NEW_LISTENER (EINVAL), which only
     * SCMP_ACT_NOTIFY would need, and libseccomp likewise sets it only for notify filters.
     */
    private static final Map<String, Integer> FLAGS = Map.of(
            "SECCOMP_FILTER_FLAG_TSYNC", 1,
            "SECCOMP_FILTER_FLAG_LOG", 2,
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4,
            "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 0);

    private ProfileReader() {
    }

    static FilterPolicy read(Seccomp profile) {
        if (profile == null) {
            throw new SeccompException(PATH + ": no profile to compile");
        }
        checkHost();
        int defaultAction = action(PATH + ".defaultAction", profile.defaultAction(),
                PATH + ".defaultErrnoRet", profile.defaultErrnoRet());
        Set<Abi> abis = abis(profile.architectures());
        int flags = flags(profile.flags());
        if (usesNotify(profile)) {
            // config-linux.md: listenerPath MUST be set when SCMP_ACT_NOTIFY is used; the filter
            // is then loaded with SECCOMP_FILTER_FLAG_NEW_LISTENER, whose fd goes to that agent.
            if (profile.listenerPath() == null || profile.listenerPath().isEmpty()) {
                throw new SeccompException(PATH + ".listenerPath: is required when SCMP_ACT_NOTIFY is used");
            }
            flags |= NEW_LISTENER;
        }
        // Without SCMP_ACT_NOTIFY, config-linux.md says listenerPath "is ignored".
        FilterPolicy.Builder rules = new FilterPolicy.Builder();
        List<String> skipped = new ArrayList<>();
        List<Seccomp.Syscall> syscalls = profile.syscalls() == null ? List.of() : profile.syscalls();
        for (int i = 0; i < syscalls.size(); i++) {
            readSyscall(i, syscalls.get(i), defaultAction, abis, rules, skipped);
        }
        if (!skipped.isEmpty()) {
            System.Logger log = System.getLogger(ProfileReader.class.getName());
            log.log(System.Logger.Level.DEBUG, "{0}: syscalls that no filtered ABI has, skipped: {1}", PATH, skipped);
        }
        return rules.build(defaultAction, abis, flags);
    }

    /**
     * The syscall tables and the argument layout (little-endian halves) are x86_64's: on another
     * machine the filter would be wrong, so it is not made at all.
     */
    private static void checkHost() {
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            throw new SeccompException(PATH + ": seccomp filters are only compiled for x86_64 hosts; this one is "
                    + arch);
        }
    }

    private static void readSyscall(int index, Seccomp.Syscall syscall, int defaultAction, Set<Abi> abis,
                                    FilterPolicy.Builder rules, List<String> skipped) {
        String path = PATH + ".syscalls[" + index + "]";
        if (syscall == null) {
            throw new SeccompException(path + ": must be an object, not null");
        }
        if (syscall.names() == null || syscall.names().isEmpty()) {
            throw new SeccompException(path + ".names: must contain at least one syscall name");
        }
        int action = action(path + ".action", syscall.action(), path + ".errnoRet", syscall.errnoRet());
        Rule rule = new Rule(conditions(path, syscall.args()), action);
        for (int j = 0; j < syscall.names().size(); j++) {
            String name = syscall.names().get(j);
            List<Abi> found = resolve(path, j, name, abis);
            if (found.isEmpty()) {
                skipped.add(name);
            }
            // libseccomp refuses a rule whose action is the default one (EACCES) and runc skips
            // such rules; the names are still checked above, so a typo does not go unnoticed.
            if (action != defaultAction) {
                for (Abi abi : found) {
                    rules.add(abi, abi.number(name), rule);
                }
            }
        }
    }

    /**
     * The ABIs among {@code abis} that have syscall {@code name}. A name known only to ABIs the
     * filter does not cover, or only to other architectures, has nothing to filter here and is
     * skipped, as libseccomp does per architecture; a name no architecture knows is an error.
     */
    private static List<Abi> resolve(String path, int index, String name, Set<Abi> abis) {
        if (name == null || name.isEmpty()) {
            throw new SeccompException(path + ".names[" + index + "]: must be a syscall name, not "
                    + (name == null ? "null" : "\"\""));
        }
        List<Abi> found = new ArrayList<>();
        boolean known = Abi.isOtherArchitectureSyscall(name);
        for (Abi abi : Abi.values()) {
            if (abi.number(name) >= 0) {
                known = true;
                if (abis.contains(abi)) {
                    found.add(abi);
                }
            }
        }
        if (!known) {
            throw new SeccompException(path + ".names[" + index + "]: unknown syscall " + quote(name));
        }
        return found;
    }

    /**
     * The SECCOMP_RET_* value of a libseccomp action name, with the errno (or, for TRACE, the
     * tracer's message) in SECCOMP_RET_DATA.
     */
    private static int action(String field, String name, String errnoField, Long errnoRet) {
        if (name == null) {
            throw new SeccompException(field + ": is required");
        }
        int action = switch (name) {
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> Bpf.RET_KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> Bpf.RET_KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> Bpf.RET_TRAP;
            case "SCMP_ACT_ERRNO" -> Bpf.RET_ERRNO | data(errnoField, errnoRet);
            case "SCMP_ACT_TRACE" -> Bpf.RET_TRACE | data(errnoField, errnoRet);
            case "SCMP_ACT_LOG" -> Bpf.RET_LOG;
            case "SCMP_ACT_ALLOW" -> Bpf.RET_ALLOW;
            case "SCMP_ACT_NOTIFY" -> Bpf.RET_USER_NOTIF;
            default -> throw new SeccompException(field + ": unknown action " + quote(name));
        };
        // config-linux.md: "When the action doesn't support an errno, the runtime MUST print and
        // error and fail."
        boolean takesErrno = name.equals("SCMP_ACT_ERRNO") || name.equals("SCMP_ACT_TRACE");
        if (errnoRet != null && !takesErrno) {
            throw new SeccompException(errnoField + ": can only be set with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not "
                    + name);
        }
        return action;
    }

    private static int data(String field, Long errnoRet) {
        long value = errnoRet == null ? EPERM : errnoRet;
        if (value < 0 || value > Bpf.RET_DATA) {
            throw new SeccompException(field + ": " + Long.toUnsignedString(value)
                    + " does not fit in the 16 bits of SECCOMP_RET_DATA (at most " + Bpf.RET_DATA + ")");
        }
        return (int) value;
    }

    private static List<Condition> conditions(String path, List<Seccomp.Arg> args) {
        List<Condition> conditions = new ArrayList<>();
        List<Seccomp.Arg> list = args == null ? List.of() : args;
        for (int j = 0; j < list.size(); j++) {
            String at = path + ".args[" + j + "]";
            Seccomp.Arg arg = list.get(j);
            if (arg == null) {
                throw new SeccompException(at + ": must be an object, not null");
            }
            if (arg.index() == null || arg.index() < 0 || arg.index() >= ARGUMENTS) {
                throw new SeccompException(at + ".index: must be from 0 to " + (ARGUMENTS - 1) + ", got "
                        + arg.index());
            }
            if (arg.value() == null) {
                throw new SeccompException(at + ".value: is required");
            }
            Operator op = operator(at + ".op", arg.op());
            long valueTwo = arg.valueTwo() == null ? 0 : arg.valueTwo();
            conditions.add(new Condition(arg.index().intValue(), op, arg.value(), valueTwo));
        }
        return conditions;
    }

    private static Operator operator(String field, String name) {
        if (name == null) {
            throw new SeccompException(field + ": is required");
        }
        for (Operator op : Operator.values()) {
            if (op.specName().equals(name)) {
                return op;
            }
        }
        throw new SeccompException(field + ": unknown operator " + quote(name) + " (expected one of "
                + String.join(", ", Arrays.stream(Operator.values()).map(Operator::specName).toList())
                + ")");
    }

    /**
     * x86_64 is always filtered (libseccomp's native architecture, which runc keeps). x86 and x32
     * are added when listed. Other architectures cannot issue syscalls on an x86_64 kernel, so
     * their rules could never apply and are left out.
     */
    private static Set<Abi> abis(List<String> architectures) {
        Set<Abi> abis = EnumSet.of(Abi.X86_64);
        List<String> list = architectures == null ? List.of() : architectures;
        for (int i = 0; i < list.size(); i++) {
            String name = list.get(i);
            if (name == null || !ARCHITECTURES.contains(name)) {
                throw new SeccompException(PATH + ".architectures[" + i + "]: unknown architecture "
                        + (name == null ? "null" : quote(name)));
            }
            boolean x86 = false;
            for (Abi abi : Abi.values()) {
                if (abi.architecture().equals(name)) {
                    abis.add(abi);
                    x86 = true;
                }
            }
            if (!x86) {
                System.getLogger(ProfileReader.class.getName()).log(System.Logger.Level.DEBUG,
                        "{0}.architectures[{1}]: {2} cannot run on an x86_64 kernel; left out of the filter",
                        PATH, i, name);
            }
        }
        return abis;
    }

    /** SECCOMP_FILTER_FLAG_NEW_LISTENER, <linux/seccomp.h>. */
    static final int NEW_LISTENER = 8;

    private static boolean usesNotify(Seccomp profile) {
        if ("SCMP_ACT_NOTIFY".equals(profile.defaultAction())) {
            return true;
        }
        if (profile.syscalls() != null) {
            for (Seccomp.Syscall syscall : profile.syscalls()) {
                if (syscall != null && "SCMP_ACT_NOTIFY".equals(syscall.action())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int flags(List<String> names) {
        int flags = 0;
        List<String> list = names == null ? List.of() : names;
        for (int i = 0; i < list.size(); i++) {
            Integer bit = list.get(i) == null ? null : FLAGS.get(list.get(i));
            if (bit == null) {
                throw new SeccompException(PATH + ".flags[" + i + "]: unknown flag "
                        + (list.get(i) == null ? "null" : quote(list.get(i))));
            }
            flags |= bit;
        }
        return flags;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
