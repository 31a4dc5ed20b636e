package dev.berth.runtime.seccomp;

/**
 * The classic BPF and seccomp constants the filters use ({@code <linux/bpf_common.h>},
 * {@code <linux/seccomp.h>}, {@code <linux/audit.h>}), and the layout of
 * {@code struct seccomp_data} that the program reads.
 */
final class Bpf {
    // Opcodes: class | size | mode (or class | op | source). Only these appear in our programs.
    static final int LD_W_ABS = 0x00 | 0x00 | 0x20;   // BPF_LD | BPF_W | BPF_ABS
    static final int ALU_AND_K = 0x04 | 0x50 | 0x00;  // BPF_ALU | BPF_AND | BPF_K
    static final int JMP_JA = 0x05 | 0x00;            // BPF_JMP | BPF_JA
    static final int JMP_JEQ_K = 0x05 | 0x10 | 0x00;  // BPF_JMP | BPF_JEQ | BPF_K
    static final int JMP_JGT_K = 0x05 | 0x20 | 0x00;  // BPF_JMP | BPF_JGT | BPF_K
    static final int JMP_JGE_K = 0x05 | 0x30 | 0x00;  // BPF_JMP | BPF_JGE | BPF_K
    static final int RET_K = 0x06 | 0x00;             // BPF_RET | BPF_K

    /** BPF_MAXINSNS: the kernel refuses longer programs (EINVAL). */
    static final int MAX_INSTRUCTIONS = 4096;
    /** sizeof(struct sock_filter): u16 code, u8 jt, u8 jf, u32 k. */
    static final int INSTRUCTION_BYTES = 8;
    /** jt and jf are u8: a conditional jump skips at most 255 instructions. */
    static final int MAX_CONDITIONAL_SKIP = 255;

    // struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6].
    static final int NR_OFFSET = 0;
    static final int ARCH_OFFSET = 4;
    static final int ARGS_OFFSET = 16;
    static final int SECCOMP_DATA_BYTES = 64;

    // AUDIT_ARCH_* of <linux/audit.h>: EM_X86_64 and EM_386 with __AUDIT_ARCH_64BIT/_LE.
    static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    static final int AUDIT_ARCH_I386 = 0x40000003;
    /** x32 syscalls arrive with AUDIT_ARCH_X86_64 and this bit set in nr (__X32_SYSCALL_BIT). */
    static final int X32_SYSCALL_BIT = 0x40000000;

    // SECCOMP_RET_* actions; the low 16 bits (SECCOMP_RET_DATA) carry the errno or trace message.
    static final int RET_KILL_PROCESS = 0x80000000;
    static final int RET_KILL_THREAD = 0x00000000;
    static final int RET_TRAP = 0x00030000;
    static final int RET_ERRNO = 0x00050000;
    static final int RET_USER_NOTIF = 0x7FC00000;
    static final int RET_TRACE = 0x7FF00000;
    static final int RET_LOG = 0x7FFC0000;
    static final int RET_ALLOW = 0x7FFF0000;
    static final int RET_DATA = 0x0000FFFF;

    private Bpf() {
    }

    /** Offset of the low (little-endian: first) 32 bits of args[index]. */
    static int argLow(int index) {
        return ARGS_OFFSET + 8 * index;
    }

    static int argHigh(int index) {
        return argLow(index) + 4;
    }
}
