package dev.berth.runtime.seccomp;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a filter must do, in the terms of the generated program: actions as SECCOMP_RET_* values
 * and syscalls as numbers of each {@link Abi} the filter covers. {@link ProfileReader} builds it
 * from linux.seccomp; {@link FilterGenerator} turns it into BPF.
 *
 * @param defaultAction for syscalls of a covered ABI that no rule decides
 * @param abis          the ABIs the filter covers (x86_64 always); others meet {@link #BAD_ARCH_ACTION}
 * @param flags         SECCOMP_FILTER_FLAG_* for seccomp(2)
 * @param syscalls      per ABI, the rules of each syscall number that has any
 */
record FilterPolicy(int defaultAction, Set<Abi> abis, int flags, Map<Abi, Map<Integer, SyscallRules>> syscalls) {

    /**
     * The action for a syscall of an architecture the filter does not cover: libseccomp's
     * default "bad architecture" action, SCMP_ACT_KILL (db.c sets attr.act_badarch to it in
     * db_col_reset, and runc does not change it), which is SECCOMP_RET_KILL_THREAD.
     */
    static final int BAD_ARCH_ACTION = Bpf.RET_KILL_THREAD;

    FilterPolicy {
        abis = Set.copyOf(abis);
    }

    /** A comparison of seccomp_data.args[index] (config-linux.md "args"). */
    enum Operator {
        NE("SCMP_CMP_NE"), LT("SCMP_CMP_LT"), LE("SCMP_CMP_LE"), EQ("SCMP_CMP_EQ"), GE("SCMP_CMP_GE"),
        GT("SCMP_CMP_GT"), MASKED_EQ("SCMP_CMP_MASKED_EQ");

        private final String specName;

        Operator(String specName) {
            this.specName = specName;
        }

        /** The libseccomp name, e.g. SCMP_CMP_MASKED_EQ. */
        String specName() {
            return specName;
        }
    }

    /**
     * {@code args[index] op value}; for MASKED_EQ {@code (args[index] & value) == valueTwo}.
     * The values are 64 bits, two's complement.
     */
    record Condition(int index, Operator op, long value, long valueTwo) {
    }

    /** The conditions, all of which must hold (they are ANDed), and the action if they do. */
    record Rule(List<Condition> conditions, int action) {
        Rule {
            conditions = List.copyOf(conditions);
        }
    }

    /**
     * The rules for one syscall number of one ABI. As in libseccomp, an unconditional rule
     * decides the syscall outright: conditional rules for it are dropped, and a second
     * unconditional rule leaves the first in place (seccomp_rule_add in libseccomp 2.5 keeps the
     * first). Conditional rules are tried in profile order; when none holds, the default action
     * applies.
     */
    static final class SyscallRules {
        private Integer unconditional;
        private final List<Rule> conditional = new ArrayList<>();

        void add(Rule rule) {
            if (rule.conditions().isEmpty()) {
                if (unconditional == null) {
                    unconditional = rule.action();
                }
            } else {
                conditional.add(rule);
            }
        }

        /** The action of the first unconditional rule, or null if there is none. */
        Integer unconditional() {
            return unconditional;
        }

        List<Rule> conditional() {
            return List.copyOf(conditional);
        }
    }

    /** Collects rules per ABI and syscall number, in profile order. */
    static final class Builder {
        private final Map<Abi, Map<Integer, SyscallRules>> syscalls = new EnumMap<>(Abi.class);

        void add(Abi abi, int number, Rule rule) {
            Map<Integer, SyscallRules> numbers = syscalls.get(abi);
            if (numbers == null) {
                numbers = new TreeMap<>();
                syscalls.put(abi, numbers);
            }
            SyscallRules rules = numbers.get(number);
            if (rules == null) {
                rules = new SyscallRules();
                numbers.put(number, rules);
            }
            rules.add(rule);
        }

        FilterPolicy build(int defaultAction, Set<Abi> abis, int flags) {
            Map<Abi, Map<Integer, SyscallRules>> byAbi = new EnumMap<>(Abi.class);
            for (Abi abi : abis) {
                byAbi.put(abi, syscalls.getOrDefault(abi, Map.of()));
            }
            return new FilterPolicy(defaultAction, abis, flags, byAbi);
        }
    }
}
