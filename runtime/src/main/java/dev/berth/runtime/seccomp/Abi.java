package dev.berth.runtime.seccomp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The syscall ABIs an x86_64 kernel runs, each with its syscall numbers. The tables are the
 * kernel's own (arch/x86/entry/syscalls/syscall_64.tbl and syscall_32.tbl, kept as resources next
 * to this class) and are read on first use.
 */
enum Abi {
    /** The native ABI: the "common" and "64" rows of syscall_64.tbl. */
    X86_64("SCMP_ARCH_X86_64", Bpf.AUDIT_ARCH_X86_64, true),
    /**
     * x32: the "common" and "x32" rows of syscall_64.tbl with __X32_SYSCALL_BIT set. Its
     * processes report AUDIT_ARCH_X86_64, so only the bit tells them from x86_64 ones.
     */
    X32("SCMP_ARCH_X32", Bpf.AUDIT_ARCH_X86_64, false),
    /** i386 binaries under IA32_EMULATION: syscall_32.tbl. */
    I386("SCMP_ARCH_X86", Bpf.AUDIT_ARCH_I386, false);

    private final String architecture;
    private final int auditArch;
    private final boolean wideArguments;

    Abi(String architecture, int auditArch, boolean wideArguments) {
        this.architecture = architecture;
        this.auditArch = auditArch;
        this.wideArguments = wideArguments;
    }

    /** The libseccomp name used in linux.seccomp.architectures. */
    String architecture() {
        return architecture;
    }

    /** What the kernel puts in seccomp_data.arch for this ABI's syscalls. */
    int auditArch() {
        return auditArch;
    }

    /**
     * Whether arguments are compared as 64-bit values. libseccomp compares only the low 32 bits
     * on its 32-bit architectures (x86 and x32, ARCH_SIZE_32), whatever the rule's value holds
     * above them; we do the same so a profile means what it means under runc and crun.
     */
    boolean wideArguments() {
        return wideArguments;
    }

    /** The syscall number of {@code name} in this ABI (x32: with the x32 bit), or -1. */
    int number(String name) {
        return Tables.NUMBERS.get(this).getOrDefault(name, -1);
    }

    /** Whether {@code name} is a Linux syscall of some other architecture that no x86 ABI has. */
    static boolean isOtherArchitectureSyscall(String name) {
        return Tables.OTHER_ARCHITECTURES.contains(name);
    }

    /**
     * Loaded on first use: the CLI must not pay for this at start-up. Parsed by hand, without
     * regular expressions or lambdas, because this runs cold in every `create`.
     */
    private static final class Tables {
        static final Map<Abi, Map<String, Integer>> NUMBERS = load();
        static final Set<String> OTHER_ARCHITECTURES = otherArchitectures();

        private static Map<Abi, Map<String, Integer>> load() {
            Map<String, Integer> x8664 = new HashMap<>(512);
            Map<String, Integer> x32 = new HashMap<>(512);
            Map<String, Integer> i386 = new HashMap<>(512);
            for (String[] row : rows("syscall_64.tbl", 3)) {
                int number = Integer.parseInt(row[0]);
                switch (row[1]) {
                    case "common" -> {
                        x8664.put(row[2], number);
                        x32.put(row[2], number | Bpf.X32_SYSCALL_BIT);
                    }
                    case "64" -> x8664.put(row[2], number);
                    case "x32" -> x32.put(row[2], number | Bpf.X32_SYSCALL_BIT);
                    default -> throw new IllegalStateException("syscall_64.tbl: abi " + row[1]);
                }
            }
            for (String[] row : rows("syscall_32.tbl", 3)) {
                i386.put(row[2], Integer.parseInt(row[0]));
            }
            Map<Abi, Map<String, Integer>> numbers = new EnumMap<>(Abi.class);
            numbers.put(X86_64, x8664);
            numbers.put(X32, x32);
            numbers.put(I386, i386);
            return numbers;
        }

        private static Set<String> otherArchitectures() {
            Set<String> names = new HashSet<>();
            for (String[] row : rows("other-arch-syscalls.txt", 1)) {
                names.add(row[0]);
            }
            return names;
        }

        /** The first {@code columns} whitespace-separated columns of each non-comment line. */
        private static List<String[]> rows(String resource, int columns) {
            List<String[]> rows = new ArrayList<>(512);
            try (InputStream in = Abi.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + resource + " is missing from "
                            + Abi.class.getPackageName());
                }
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        rows.add(columns(resource, line, columns));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read resource " + resource, e);
            }
            return rows;
        }

        private static String[] columns(String resource, String line, int count) {
            String[] columns = new String[count];
            int at = 0;
            for (int c = 0; c < count; c++) {
                while (at < line.length() && Character.isWhitespace(line.charAt(at))) {
                    at++;
                }
                int start = at;
                while (at < line.length() && !Character.isWhitespace(line.charAt(at))) {
                    at++;
                }
                if (start == at) {
                    throw new IllegalStateException(resource + ": line \"" + line + "\" has fewer than "
                            + count + " columns");
                }
                columns[c] = line.substring(start, at);
            }
            return columns;
        }
    }
}
