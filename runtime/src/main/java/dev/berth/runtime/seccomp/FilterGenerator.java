package dev.berth.runtime.seccomp;

import dev.berth.runtime.seccomp.BpfAssembler.Label;
import dev.berth.runtime.seccomp.FilterPolicy.Condition;
import dev.berth.runtime.seccomp.FilterPolicy.Rule;
import dev.berth.runtime.seccomp.FilterPolicy.SyscallRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes the BPF program of a {@link FilterPolicy}, in the shape libseccomp gives its filters:
 *
 * <pre>
 *   ld  arch                      one test per covered AUDIT_ARCH, else the bad-arch action
 *   ld  nr                        per AUDIT_ARCH: a binary search (jge) over ranges of syscall
 *                                 numbers that share an outcome; x32 calls are the numbers with
 *                                 __X32_SYSCALL_BIT under AUDIT_ARCH_X86_64
 *   rules                         per syscall with conditional rules: each rule's argument tests,
 *                                 in profile order, then the default action
 *   ret ...                       one shared return per action the search leads to
 * </pre>
 *
 * The search costs about log2(ranges) jumps per syscall instead of one per listed syscall.
 */
final class FilterGenerator {
    /**
     * What a range of syscall numbers leads to: a return of {@code action}, or (rules non-null)
     * conditional rules tried in order, then the default action; {@code wide}: compare all 64
     * bits. Rule lists are equal when they hold the same profile rules (the same objects) in the
     * same order, so ABIs sharing a syscall's rules share its code. A plain class with its own
     * equals: record equality and pattern switches are bootstrapped through invokedynamic, a cost
     * every cold `create` would pay.
     */
    private static final class Outcome {
        final int action;
        final List<Rule> rules;
        final boolean wide;

        private Outcome(int action, List<Rule> rules, boolean wide) {
            this.action = action;
            this.rules = rules;
            this.wide = wide;
        }

        static Outcome ret(int action) {
            return new Outcome(action, null, false);
        }

        static Outcome rules(List<Rule> rules, boolean wide) {
            return new Outcome(0, rules, wide);
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Outcome o) || o.action != action || o.wide != wide) {
                return false;
            }
            if (rules == null || o.rules == null) {
                return rules == o.rules;
            }
            if (rules.size() != o.rules.size()) {
                return false;
            }
            for (int i = 0; i < rules.size(); i++) {
                if (rules.get(i) != o.rules.get(i)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            if (rules == null) {
                return action;
            }
            int hash = wide ? 1 : 0;
            for (Rule rule : rules) {
                hash = 31 * hash + System.identityHashCode(rule);
            }
            return hash;
        }
    }

    /** From {@code start} up to the next range's start, syscall numbers lead to {@code outcome}. */
    private static final class Range {
        final long start;
        final Outcome outcome;

        Range(long start, Outcome outcome) {
            this.start = start;
            this.outcome = outcome;
        }
    }

    private static final long NUMBERS = 1L << 32;

    private final FilterPolicy policy;
    private final BpfAssembler asm = new BpfAssembler();
    private final Map<Integer, Label> returns = new LinkedHashMap<>();
    private final Map<Outcome, Label> ruleBlocks = new LinkedHashMap<>();

    private FilterGenerator(FilterPolicy policy) {
        this.policy = policy;
    }

    static byte[] generate(FilterPolicy policy) {
        return new FilterGenerator(policy).program();
    }

    private byte[] program() {
        boolean i386 = policy.abis().contains(Abi.I386);
        Label x8664Calls = asm.label();
        Label i386Calls = asm.label();
        asm.loadWord(Bpf.ARCH_OFFSET);
        Label notX8664 = asm.label();
        asm.jumpIf(Bpf.JMP_JEQ_K, Bpf.AUDIT_ARCH_X86_64, x8664Calls, notX8664);
        asm.place(notX8664);
        if (i386) {
            Label notI386 = asm.label();
            asm.jumpIf(Bpf.JMP_JEQ_K, Bpf.AUDIT_ARCH_I386, i386Calls, notI386);
            asm.place(notI386);
        }
        asm.ret(FilterPolicy.BAD_ARCH_ACTION);
        syscallSearch(x8664Calls, x8664Ranges());
        if (i386) {
            syscallSearch(i386Calls, ranges(Abi.I386, 0, NUMBERS, Outcome.ret(policy.defaultAction())));
        }
        for (Map.Entry<Outcome, Label> block : ruleBlocks.entrySet()) {
            asm.place(block.getValue());
            ruleBlock(block.getKey());
        }
        for (Map.Entry<Integer, Label> ret : returns.entrySet()) {
            asm.place(ret.getValue());
            asm.ret(ret.getKey());
        }
        return asm.assemble();
    }

    /**
     * Under AUDIT_ARCH_X86_64 the numbers below the x32 bit are x86_64's; from the bit up they
     * are x32's, and without SCMP_ARCH_X32 in the profile they meet the bad-arch action, as in
     * libseccomp's "filter out x32" test (gen_bpf.c).
     */
    private List<Range> x8664Ranges() {
        List<Range> ranges = ranges(Abi.X86_64, 0, Bpf.X32_SYSCALL_BIT, Outcome.ret(policy.defaultAction()));
        List<Range> x32 = policy.abis().contains(Abi.X32)
                ? ranges(Abi.X32, Bpf.X32_SYSCALL_BIT, NUMBERS, Outcome.ret(policy.defaultAction()))
                : List.of(new Range(Bpf.X32_SYSCALL_BIT, Outcome.ret(FilterPolicy.BAD_ARCH_ACTION)));
        for (Range range : x32) {
            append(ranges, range);
        }
        return ranges;
    }

    /**
     * The numbers from {@code from} (inclusive) to {@code to} (exclusive) as ranges: each syscall
     * with rules is a range of its own, the numbers between lead to {@code otherwise}, and
     * neighbours with the same outcome are merged.
     */
    private List<Range> ranges(Abi abi, long from, long to, Outcome otherwise) {
        Map<Integer, SyscallRules> syscalls = policy.syscalls().getOrDefault(abi, Map.of());
        TreeSet<Long> starts = new TreeSet<>();
        starts.add(from);
        for (int number : syscalls.keySet()) {
            long unsigned = Integer.toUnsignedLong(number);
            if (unsigned >= from && unsigned < to) {
                starts.add(unsigned);
                if (unsigned + 1 < to) {
                    starts.add(unsigned + 1);
                }
            }
        }
        List<Range> ranges = new ArrayList<>();
        for (long start : starts) {
            SyscallRules rules = syscalls.get((int) start);
            append(ranges, new Range(start, rules == null ? otherwise : outcome(abi, rules)));
        }
        return ranges;
    }

    private static Outcome outcome(Abi abi, SyscallRules rules) {
        if (rules.unconditional() != null) {
            return Outcome.ret(rules.unconditional());
        }
        return Outcome.rules(rules.conditional(), abi.wideArguments());
    }

    private static void append(List<Range> ranges, Range range) {
        if (ranges.isEmpty() || !ranges.getLast().outcome.equals(range.outcome)) {
            ranges.add(range);
        }
    }

    /** At {@code start}: load nr and branch to the outcome of its range. */
    private void syscallSearch(Label start, List<Range> ranges) {
        asm.place(start);
        asm.loadWord(Bpf.NR_OFFSET);
        if (ranges.size() == 1) {
            asm.jump(target(ranges.getFirst().outcome));
        } else {
            search(ranges, 0, ranges.size() - 1, searchStart(ranges, 0, ranges.size() - 1));
        }
    }

    /** Where the search of ranges[low..high] begins: its first test, or for one range the outcome. */
    private Label searchStart(List<Range> ranges, int low, int high) {
        return low == high ? target(ranges.get(low).outcome) : asm.label();
    }

    /**
     * A balanced binary search over ranges[low..high] (two or more), with the accumulator holding
     * nr, starting at {@code test}. The lower half's code follows the test and the upper half's
     * comes after it, so every jump is forward.
     */
    private void search(List<Range> ranges, int low, int high, Label test) {
        int middle = (low + high + 1) / 2;
        Label lower = searchStart(ranges, low, middle - 1);
        Label upper = searchStart(ranges, middle, high);
        asm.place(test);
        asm.jumpIf(Bpf.JMP_JGE_K, (int) ranges.get(middle).start, upper, lower);
        if (low < middle - 1) {
            search(ranges, low, middle - 1, lower);
        }
        if (middle < high) {
            search(ranges, middle, high, upper);
        }
    }

    private Label target(Outcome outcome) {
        if (outcome.rules == null) {
            Label label = returns.get(outcome.action);
            if (label == null) {
                label = asm.label();
                returns.put(outcome.action, label);
            }
            return label;
        }
        Label label = ruleBlocks.get(outcome);
        if (label == null) {
            label = asm.label();
            ruleBlocks.put(outcome, label);
        }
        return label;
    }

    /** Each rule's conditions in order: all hold, return its action; one fails, try the next. */
    private void ruleBlock(Outcome block) {
        for (Rule rule : block.rules) {
            Label nextRule = asm.label();
            for (Condition condition : rule.conditions()) {
                Label holds = asm.label();
                if (block.wide) {
                    wideCondition(condition, holds, nextRule);
                } else {
                    narrowCondition(condition, holds, nextRule);
                }
                asm.place(holds);
            }
            asm.ret(rule.action());
            asm.place(nextRule);
        }
        asm.ret(policy.defaultAction());
    }

    /**
     * 32-bit ABIs: libseccomp compares the low 32 bits only, with the rule's values cut to 32 bits.
     * LT and LE are the negations of GE and GT (BPF has no "less than" jump).
     */
    private void narrowCondition(Condition c, Label holds, Label fails) {
        int value = (int) c.value();
        asm.loadWord(Bpf.argLow(c.index()));
        switch (c.op()) {
            case EQ -> asm.jumpIf(Bpf.JMP_JEQ_K, value, holds, fails);
            case NE -> asm.jumpIf(Bpf.JMP_JEQ_K, value, fails, holds);
            case GT -> asm.jumpIf(Bpf.JMP_JGT_K, value, holds, fails);
            case GE -> asm.jumpIf(Bpf.JMP_JGE_K, value, holds, fails);
            case LT -> asm.jumpIf(Bpf.JMP_JGE_K, value, fails, holds);
            case LE -> asm.jumpIf(Bpf.JMP_JGT_K, value, fails, holds);
            case MASKED_EQ -> {
                asm.and(value);
                asm.jumpIf(Bpf.JMP_JEQ_K, (int) c.valueTwo(), holds, fails);
            }
        }
    }

    /**
     * 64-bit values in two 32-bit halves: the high halves decide unless they are equal, then the
     * low halves do (an unsigned comparison of the whole, as libseccomp's _gen_bpf_node).
     */
    private void wideCondition(Condition c, Label holds, Label fails) {
        int high = (int) (c.value() >>> 32);
        int low = (int) c.value();
        Label lowHalf = asm.label();
        asm.loadWord(Bpf.argHigh(c.index()));
        switch (c.op()) {
            case EQ, NE -> {
                Label equal = c.op() == FilterPolicy.Operator.EQ ? holds : fails;
                Label differ = c.op() == FilterPolicy.Operator.EQ ? fails : holds;
                asm.jumpIf(Bpf.JMP_JEQ_K, high, lowHalf, differ);
                asm.place(lowHalf);
                asm.loadWord(Bpf.argLow(c.index()));
                asm.jumpIf(Bpf.JMP_JEQ_K, low, equal, differ);
            }
            case GT, GE, LT, LE -> {
                boolean greater = c.op() == FilterPolicy.Operator.GT || c.op() == FilterPolicy.Operator.GE;
                Label above = greater ? holds : fails;
                Label below = greater ? fails : holds;
                Label highEqual = asm.label();
                asm.jumpIf(Bpf.JMP_JGT_K, high, above, highEqual);
                asm.place(highEqual);
                asm.jumpIf(Bpf.JMP_JEQ_K, high, lowHalf, below);
                asm.place(lowHalf);
                asm.loadWord(Bpf.argLow(c.index()));
                // GT/LE split at "low > value", GE/LT at "low >= value".
                boolean strict = c.op() == FilterPolicy.Operator.GT || c.op() == FilterPolicy.Operator.LE;
                asm.jumpIf(strict ? Bpf.JMP_JGT_K : Bpf.JMP_JGE_K, low, above, below);
            }
            case MASKED_EQ -> {
                asm.and(high);
                asm.jumpIf(Bpf.JMP_JEQ_K, (int) (c.valueTwo() >>> 32), lowHalf, fails);
                asm.place(lowHalf);
                asm.loadWord(Bpf.argLow(c.index()));
                asm.and(low);
                asm.jumpIf(Bpf.JMP_JEQ_K, (int) c.valueTwo(), holds, fails);
            }
        }
    }
}
