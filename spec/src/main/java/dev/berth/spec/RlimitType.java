package dev.berth.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The resources of setrlimit(2) with their numbers from &lt;asm-generic/resource.h&gt; (the same on
 * x86-64 and arm64; only alpha, mips, sparc and parisc renumber some of them).
 */
public enum RlimitType {
    RLIMIT_CPU(0),
    RLIMIT_FSIZE(1),
    RLIMIT_DATA(2),
    RLIMIT_STACK(3),
    RLIMIT_CORE(4),
    RLIMIT_RSS(5),
    RLIMIT_NPROC(6),
    RLIMIT_NOFILE(7),
    RLIMIT_MEMLOCK(8),
    RLIMIT_AS(9),
    RLIMIT_LOCKS(10),
    RLIMIT_SIGPENDING(11),
    RLIMIT_MSGQUEUE(12),
    RLIMIT_NICE(13),
    RLIMIT_RTPRIO(14),
    RLIMIT_RTTIME(15);

    /** RLIM_INFINITY as held in berth's two's complement uint64 fields. */
    public static final long INFINITY = -1L;

    private final int number;

    RlimitType(int number) {
        this.number = number;
    }

    /** The {@code resource} argument of setrlimit(2). */
    public int number() {
        return number;
    }

    /**
     * The resource number of {@code name} ("RLIMIT_NOFILE" gives 7).
     *
     * @throws IllegalArgumentException naming the type if it is unknown
     */
    public static int number(String name) {
        return byName(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown rlimit type \"" + name + "\""))
                .number;
    }

    /** The resource called {@code name} (exact, upper case, with the RLIMIT_ prefix). */
    public static Optional<RlimitType> byName(String name) {
        // Not valueOf, for the reason given in Capability.byName.
        if (name != null && name.startsWith("RLIMIT_")) {
            for (RlimitType type : values()) {
                if (type.name().equals(name)) {
                    return Optional.of(type);
                }
            }
        }
        return Optional.empty();
    }

    /** Every name, in number order. */
    public static List<String> all() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }
}
