package dev.berth.runtime.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Runs a seccomp program on a {@code struct seccomp_data} as the kernel would, after the checks
 * the kernel makes when the filter is installed (bpf_check_classic and seccomp_check_filter): a
 * length of 1..4096, jumps that stay inside the program, a final return, and word loads at
 * aligned offsets inside seccomp_data. Only the instructions our compiler emits are understood;
 * anything else fails the test, so it also proves the compiler emits nothing else.
 */
final class BpfInterpreter {
    /** The outcome of one run: the returned action and how many instructions ran. */
    record Run(int action, int steps) {
        int actionOnly() {
            return action & 0xFFFF0000;
        }

        int data() {
            return action & Bpf.RET_DATA;
        }
    }

    private final int[] code;
    private final int[] jt;
    private final int[] jf;
    private final int[] k;

    BpfInterpreter(byte[] program) {
        if (program.length % Bpf.INSTRUCTION_BYTES != 0) {
            throw new AssertionError("program of " + program.length + " bytes is not whole instructions");
        }
        int n = program.length / Bpf.INSTRUCTION_BYTES;
        if (n < 1 || n > Bpf.MAX_INSTRUCTIONS) {
            throw new AssertionError("program of " + n + " instructions: the kernel takes 1..4096");
        }
        code = new int[n];
        jt = new int[n];
        jf = new int[n];
        k = new int[n];
        ByteBuffer in = ByteBuffer.wrap(program).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            code[i] = Short.toUnsignedInt(in.getShort());
            jt[i] = Byte.toUnsignedInt(in.get());
            jf[i] = Byte.toUnsignedInt(in.get());
            k[i] = in.getInt();
            check(i, n);
        }
        if (code[n - 1] != Bpf.RET_K) {
            throw new AssertionError("the last instruction is not a return");
        }
    }

    int length() {
        return code.length;
    }

    /** How many instructions have {@code opcode}. */
    int countOf(int opcode) {
        int count = 0;
        for (int c : code) {
            count += c == opcode ? 1 : 0;
        }
        return count;
    }

    private void check(int i, int n) {
        switch (code[i]) {
            case Bpf.LD_W_ABS -> {
                if (k[i] < 0 || k[i] >= Bpf.SECCOMP_DATA_BYTES || k[i] % 4 != 0) {
                    throw new AssertionError("instruction " + i + " loads offset " + k[i]
                            + ", not a word of seccomp_data");
                }
            }
            case Bpf.ALU_AND_K, Bpf.RET_K -> {
            }
            case Bpf.JMP_JA -> {
                if (Integer.toUnsignedLong(k[i]) >= n - i - 1) {
                    throw new AssertionError("instruction " + i + " jumps " + Integer.toUnsignedString(k[i])
                            + " past the end");
                }
            }
            case Bpf.JMP_JEQ_K, Bpf.JMP_JGT_K, Bpf.JMP_JGE_K -> {
                if (jt[i] >= n - i - 1 || jf[i] >= n - i - 1) {
                    throw new AssertionError("instruction " + i + " jumps past the end");
                }
            }
            default -> throw new AssertionError("instruction " + i + " has opcode 0x" + Integer.toHexString(code[i])
                    + ", which the compiler should not emit");
        }
    }

    /** Runs the filter for syscall {@code nr} of {@code arch} with up to six arguments. */
    Run run(int arch, int nr, long... args) {
        ByteBuffer data = ByteBuffer.allocate(Bpf.SECCOMP_DATA_BYTES).order(ByteOrder.nativeOrder());
        data.putInt(0, nr).putInt(4, arch).putLong(8, 0x7f00_1234_5678L);
        for (int i = 0; i < args.length; i++) {
            data.putLong(Bpf.ARGS_OFFSET + 8 * i, args[i]);
        }
        int a = 0;
        int steps = 0;
        for (int pc = 0; ; pc++) {
            steps++;
            switch (code[pc]) {
                case Bpf.LD_W_ABS -> a = data.getInt(k[pc]);
                case Bpf.ALU_AND_K -> a &= k[pc];
                case Bpf.JMP_JA -> pc += k[pc];
                case Bpf.JMP_JEQ_K -> pc += a == k[pc] ? jt[pc] : jf[pc];
                case Bpf.JMP_JGT_K -> pc += Integer.compareUnsigned(a, k[pc]) > 0 ? jt[pc] : jf[pc];
                case Bpf.JMP_JGE_K -> pc += Integer.compareUnsigned(a, k[pc]) >= 0 ? jt[pc] : jf[pc];
                case Bpf.RET_K -> {
                    return new Run(k[pc], steps);
                }
                default -> throw new AssertionError("unreachable: checked at load");
            }
        }
    }
}
