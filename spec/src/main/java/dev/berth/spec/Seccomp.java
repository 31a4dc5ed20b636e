package dev.berth.spec;

import java.util.List;

/**
 * The seccomp filter of config-linux.md "Seccomp"; names are libseccomp's (SCMP_ACT_*, SCMP_ARCH_*,
 * SCMP_CMP_*, SECCOMP_FILTER_FLAG_*).
 *
 * @param defaultAction action for syscalls no rule matches (REQUIRED)
 * @param defaultErrnoRet errno for a default action of SCMP_ACT_ERRNO or SCMP_ACT_TRACE
 * @param architectures extra architectures the filter covers
 * @param flags seccomp(2) SECCOMP_FILTER_FLAG_* flags
 * @param listenerPath UNIX socket that receives the notify fd for SCMP_ACT_NOTIFY
 * @param listenerMetadata opaque data sent with the notify fd; only with listenerPath
 * @param syscalls the rules
 */
public record Seccomp(
        String defaultAction,
        @Unsigned.Uint32 Long defaultErrnoRet,
        List<String> architectures,
        List<String> flags,
        String listenerPath,
        String listenerMetadata,
        List<Syscall> syscalls) {

    /**
     * A rule.
     *
     * @param names the syscalls it applies to; at least one
     * @param action what happens when it matches
     * @param errnoRet errno for SCMP_ACT_ERRNO and SCMP_ACT_TRACE
     * @param args conditions on the syscall arguments
     */
    public record Syscall(
            List<String> names,
            String action,
            @Unsigned.Uint32 Long errnoRet,
            List<Arg> args) {
    }

    /**
     * A condition on one syscall argument: {@code args[index] op value} (SCMP_CMP_MASKED_EQ:
     * {@code (args[index] & value) == valueTwo}).
     *
     * @param index argument number, 0..5
     * @param value uint64 operand, two's complement
     * @param valueTwo second uint64 operand, for SCMP_CMP_MASKED_EQ
     * @param op SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT or _MASKED_EQ
     */
    public record Arg(
            @Unsigned.Uint32 Long index,
            @Unsigned.Uint64 Long value,
            @Unsigned.Uint64 Long valueTwo,
            String op) {
    }
}
