package dev.berth.runtime.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Classic BPF with symbolic jump targets. Code is appended in program order with {@link Label}s
 * placed between instructions; {@link #assemble} resolves the labels.
 *
 * <p>Seccomp programs may only jump forward, and a conditional jump reaches at most 255
 * instructions ahead (jt and jf are u8). Assembly therefore runs from the last instruction to the
 * first: everything after an instruction is final when it is encoded, so its distances are known
 * exactly, and when one is too far the assembler puts an unconditional {@code ja} (32-bit offset)
 * right after the conditional jump and lets the jump reach that trampoline instead (or reuses one
 * placed for the same target that is still in reach). Inserting instructions never moves the code
 * after them, so nothing encoded earlier has to change.
 */
final class BpfAssembler {
    /** A jump target: the position of the next instruction appended after {@link #place}. */
    static final class Label {
    }

    /** One symbolic item: an instruction (label null) or a placed label (code -1). */
    private record Item(int code, int k, Label jumpTrue, Label jumpFalse, Label placed) {
    }

    private final List<Item> items = new ArrayList<>();

    Label label() {
        return new Label();
    }

    void place(Label label) {
        items.add(new Item(-1, 0, null, null, label));
    }

    void loadWord(int offset) {
        items.add(new Item(Bpf.LD_W_ABS, offset, null, null, null));
    }

    void and(int mask) {
        items.add(new Item(Bpf.ALU_AND_K, mask, null, null, null));
    }

    /** {@code ret k}: the seccomp action. */
    void ret(int action) {
        items.add(new Item(Bpf.RET_K, action, null, null, null));
    }

    void jump(Label target) {
        items.add(new Item(Bpf.JMP_JA, 0, target, null, null));
    }

    /**
     * A conditional jump: {@code jumpCode} is one of {@link Bpf#JMP_JEQ_K}, {@link Bpf#JMP_JGT_K},
     * {@link Bpf#JMP_JGE_K}, comparing the accumulator (unsigned) with {@code k}.
     */
    void jumpIf(int jumpCode, int k, Label ifTrue, Label ifFalse) {
        items.add(new Item(jumpCode, k, ifTrue, ifFalse, null));
    }

    /**
     * The program as {@code struct sock_filter[]} in host byte order.
     *
     * @throws SeccompException if it has more than BPF_MAXINSNS instructions
     */
    byte[] assemble() {
        // Instructions are collected back to front; "fromEnd" is a position counted from the end
        // of the program (the last instruction has 1), which is final as soon as it is known.
        List<long[]> reversed = new ArrayList<>();
        Map<Label, Integer> labelFromEnd = new HashMap<>();
        Map<Integer, Integer> trampolines = new HashMap<>();
        for (int i = items.size() - 1; i >= 0; i--) {
            Item item = items.get(i);
            if (item.placed() != null) {
                labelFromEnd.put(item.placed(), reversed.size());
            } else if (item.code() == Bpf.JMP_JA) {
                reversed.add(encode(Bpf.JMP_JA, 0, 0, reversed.size() - target(labelFromEnd, item.jumpTrue())));
            } else if (item.jumpTrue() != null) {
                conditional(reversed, trampolines, item, target(labelFromEnd, item.jumpTrue()),
                        target(labelFromEnd, item.jumpFalse()));
            } else {
                reversed.add(encode(item.code(), 0, 0, item.k()));
            }
        }
        if (reversed.size() > Bpf.MAX_INSTRUCTIONS) {
            throw new SeccompException("linux.seccomp: the filter needs " + reversed.size()
                    + " BPF instructions, more than the kernel's limit of " + Bpf.MAX_INSTRUCTIONS
                    + " (BPF_MAXINSNS)");
        }
        ByteBuffer out = ByteBuffer.allocate(reversed.size() * Bpf.INSTRUCTION_BYTES)
                .order(ByteOrder.nativeOrder());
        for (int i = reversed.size() - 1; i >= 0; i--) {
            long[] insn = reversed.get(i);
            out.putShort((short) insn[0]).put((byte) insn[1]).put((byte) insn[2]).putInt((int) insn[3]);
        }
        return out.array();
    }

    /**
     * Encodes a conditional jump whose targets are {@code trueFromEnd} and {@code falseFromEnd};
     * a jump placed now skips {@code reversed.size() - target} instructions. A trampoline already
     * placed for the same target is reused while it is in reach: the many jumps to the shared
     * returns then cost one trampoline per 255 instructions, not one each.
     */
    private static void conditional(List<long[]> reversed, Map<Integer, Integer> trampolines, Item item,
                                    int trueFromEnd, int falseFromEnd) {
        int toTrue = reachable(reversed, trampolines, trueFromEnd);
        int toFalse = reachable(reversed, trampolines, falseFromEnd);
        // Each new trampoline brings its own distance to 0 and adds 1 to the other's: at most two.
        while (true) {
            int skipTrue = reversed.size() - toTrue;
            int skipFalse = reversed.size() - toFalse;
            if (skipTrue <= Bpf.MAX_CONDITIONAL_SKIP && skipFalse <= Bpf.MAX_CONDITIONAL_SKIP) {
                reversed.add(encode(item.code(), skipTrue, skipFalse, item.k()));
                return;
            }
            boolean forFalse = skipFalse > Bpf.MAX_CONDITIONAL_SKIP;
            int target = forFalse ? falseFromEnd : trueFromEnd;
            reversed.add(encode(Bpf.JMP_JA, 0, 0, reversed.size() - target));
            trampolines.put(target, reversed.size());
            if (forFalse) {
                toFalse = reversed.size();
            } else {
                toTrue = reversed.size();
            }
        }
    }

    /** {@code target}, or the nearest trampoline to it if the target itself is out of reach. */
    private static int reachable(List<long[]> reversed, Map<Integer, Integer> trampolines, int target) {
        Integer trampoline = trampolines.get(target);
        boolean direct = reversed.size() - target <= Bpf.MAX_CONDITIONAL_SKIP;
        return direct || trampoline == null || reversed.size() - trampoline > Bpf.MAX_CONDITIONAL_SKIP
                ? target : trampoline;
    }

    private static int target(Map<Label, Integer> labelFromEnd, Label label) {
        Integer fromEnd = labelFromEnd.get(label);
        // Unplaced, placed before the jump (a backward jump) or placed after the last instruction:
        // a bug in the code generator, not in the profile.
        if (fromEnd == null || fromEnd == 0) {
            throw new IllegalStateException("a BPF jump target is not an instruction after the jump");
        }
        return fromEnd;
    }

    private static long[] encode(int code, int jt, int jf, int k) {
        if (jt < 0 || jt > Bpf.MAX_CONDITIONAL_SKIP || jf < 0 || jf > Bpf.MAX_CONDITIONAL_SKIP) {
            throw new IllegalStateException("conditional jump of " + jt + "/" + jf + " instructions");
        }
        return new long[] {code, jt, jf, k};
    }
}
