package dev.berth.runtime.seccomp;

import java.util.Objects;

/**
 * A compiled seccomp filter, ready for seccomp(2) SECCOMP_SET_MODE_FILTER.
 *
 * @param sockFilters the program as {@code struct sock_filter[]} (8 bytes per instruction, host
 *                    byte order), what {@code struct sock_fprog.filter} points to. Not copied:
 *                    do not change it.
 * @param flags       the SECCOMP_FILTER_FLAG_* bits for seccomp(2)'s flags argument
 * @param listenerPath     with SCMP_ACT_NOTIFY, the agent's unix socket that gets the listener fd
 * @param listenerMetadata opaque text for the agent, or null
 */
public record SeccompProgram(byte[] sockFilters, int flags, String listenerPath, String listenerMetadata) {
    public SeccompProgram(byte[] sockFilters, int flags) {
        this(sockFilters, flags, null, null);
    }

    /** Whether loading it yields a user-notification listener fd (SCMP_ACT_NOTIFY). */
    public boolean notifies() {
        return (flags & ProfileReader.NEW_LISTENER) != 0;
    }

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
