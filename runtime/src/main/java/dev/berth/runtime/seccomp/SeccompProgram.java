package dev.berth.runtime.seccomp;

import java.util.Objects;

/**
 * A compiled seccomp filter, ready for seccomp(2) SECCOMP_SET_MODE_FILTER.
 *
 * @param sockFilters the program as {@code struct sock_filter[]} (8 bytes per instruction, host
 *                    byte order), what {@code struct sock_fprog.filter} points to. Not copied:
 *                    do not change it.
 * @param flags       the SECCOMP_FILTER_FLAG_* bits for seccomp(2)'s flags argument
 */
public record SeccompProgram(byte[] sockFilters, int flags) {
    public SeccompProgram {
        Objects.requireNonNull(sockFilters, "sockFilters");
        if (sockFilters.length == 0 || sockFilters.length % Bpf.INSTRUCTION_BYTES != 0) {
            throw new IllegalArgumentException("a BPF program is a non-empty array of "
                    + Bpf.INSTRUCTION_BYTES + "-byte instructions, not " + sockFilters.length + " bytes");
        }
    }

    /** struct sock_fprog.len. */
    public int instructionCount() {
        return sockFilters.length / Bpf.INSTRUCTION_BYTES;
    }

    @Override
    public String toString() {
        return "SeccompProgram[" + instructionCount() + " instructions, flags 0x"
                + Integer.toHexString(flags) + "]";
    }
}
