package dev.berth.runtime.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.spec.Seccomp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random profiles, each compiled and run on many random seccomp_data, must answer what
 * {@link ReferenceFilter} computes from the profile directly. The values are drawn from the
 * edges where halves and signs go wrong (0, 2^32 - 1, 2^32, -1, ...) and from the rules' own
 * values plus and minus one. Seeds are fixed, so a failure is reproducible.
 */
class RandomProfilesTest {
    private static final List<String> NAMES = List.of("read", "write", "mkdir", "personality", "getpid",
            "socketcall", "rt_sigaction", "ioctl", "_llseek", "arch_prctl", "clone", "listns", "pwritev2");
    private static final List<String> ACTIONS = List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
            "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", "SCMP_ACT_LOG", "SCMP_ACT_TRACE");
    private static final List<String> OPERATORS = List.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",
            "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");
    private static final long[] EDGES = {0, 1, 5, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, 0x1_0000_0000L,
        0x1_0000_0005L, 0xFFFF_FFFF_0000_0000L, -1L, -2L, Long.MIN_VALUE, Long.MAX_VALUE};
    private static final int[] ARCHES = {Bpf.AUDIT_ARCH_X86_64, Bpf.AUDIT_ARCH_I386, 0xC00000B7};

    @Test
    void compiledFiltersAgreeWithTheProfile() {
        int checked = 0;
        for (int seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            Seccomp profile = randomProfile(random);
            BpfInterpreter filter = new BpfInterpreter(SeccompCompiler.compile(profile).sockFilters());
            ReferenceFilter reference = new ReferenceFilter(profile);
            List<Long> values = interestingValues(profile);
            for (int query = 0; query < 400; query++) {
                int arch = ARCHES[random.nextInt(10) < 8 ? random.nextInt(2) : 2];
                int nr = randomNumber(random, arch);
                long[] args = new long[6];
                for (int i = 0; i < args.length; i++) {
                    args[i] = values.get(random.nextInt(values.size()));
                }
                int expected = reference.expected(arch, nr, args);
                int actual = filter.run(arch, nr, args).action();
                int finalSeed = seed;
                assertEquals(expected, actual, () -> "seed " + finalSeed + ", arch 0x" + Integer.toHexString(arch)
                        + ", nr 0x" + Integer.toHexString(nr) + ", args " + hex(args) + ", profile " + profile);
                checked++;
            }
        }
        assertEquals(300 * 400, checked);
    }

    private static Seccomp randomProfile(Random random) {
        List<String> architectures = new ArrayList<>();
        if (random.nextBoolean()) {
            architectures.add("SCMP_ARCH_X86");
        }
        if (random.nextBoolean()) {
            architectures.add("SCMP_ARCH_X32");
        }
        String defaultAction = ACTIONS.get(random.nextInt(ACTIONS.size()));
        Long defaultErrno = takesErrno(defaultAction) && random.nextBoolean() ? (long) random.nextInt(3) : null;
        List<Seccomp.Syscall> rules = new ArrayList<>();
        int count = random.nextInt(12);
        for (int i = 0; i < count; i++) {
            List<String> names = new ArrayList<>();
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                names.add(NAMES.get(random.nextInt(NAMES.size())));
            }
            String action = ACTIONS.get(random.nextInt(ACTIONS.size()));
            Long errno = takesErrno(action) && random.nextBoolean() ? (long) random.nextInt(3) : null;
            List<Seccomp.Arg> args = new ArrayList<>();
            for (int a = random.nextInt(10) < 3 ? 0 : 1 + random.nextInt(3); a > 0; a--) {
                args.add(new Seccomp.Arg((long) random.nextInt(3), randomValue(random),
                        random.nextBoolean() ? randomValue(random) : null,
                        OPERATORS.get(random.nextInt(OPERATORS.size()))));
            }
            rules.add(new Seccomp.Syscall(names, action, errno, args));
        }
        return new Seccomp(defaultAction, defaultErrno, architectures, null, null, null, rules);
    }

    private static boolean takesErrno(String action) {
        return action.equals("SCMP_ACT_ERRNO") || action.equals("SCMP_ACT_TRACE");
    }

    private static long randomValue(Random random) {
        return random.nextInt(4) == 0 ? random.nextLong() : EDGES[random.nextInt(EDGES.length)];
    }

    /** A number of one of the names in the profile's pool, on some ABI of {@code arch}, or noise. */
    private static int randomNumber(Random random, int arch) {
        if (random.nextInt(10) == 0) {
            return random.nextInt();
        }
        String name = NAMES.get(random.nextInt(NAMES.size()));
        int nr = arch == Bpf.AUDIT_ARCH_I386 ? Abi.I386.number(name)
                : random.nextInt(4) == 0 ? Abi.X32.number(name) : Abi.X86_64.number(name);
        return nr >= 0 ? nr : random.nextInt(600);
    }

    /** Edge values, and each rule value and mask with its neighbours, in full and cut to 32 bits. */
    private static List<Long> interestingValues(Seccomp profile) {
        List<Long> values = new ArrayList<>();
        for (long edge : EDGES) {
            values.add(edge);
        }
        for (Seccomp.Syscall rule : profile.syscalls()) {
            for (Seccomp.Arg arg : rule.args()) {
                for (long v : new long[] {arg.value(), arg.valueTwo() == null ? 0 : arg.valueTwo()}) {
                    for (long near : new long[] {v - 1, v, v + 1, v ^ (1L << 32), v & 0xFFFF_FFFFL}) {
                        values.add(near);
                    }
                }
            }
        }
        return values;
    }

    private static String hex(long[] args) {
        List<String> shown = new ArrayList<>();
        for (long arg : args) {
            shown.add("0x" + Long.toHexString(arg));
        }
        return shown.toString();
    }
}
