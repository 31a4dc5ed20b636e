package dev.berth.runtime.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The syscall tables: numbers as {@code <asm/unistd_64.h>}, {@code unistd_32.h}, {@code unistd_x32.h}. */
class AbiTest {
    @Test
    void x8664NumbersComeFromTheCommonAnd64Rows() {
        assertEquals(0, Abi.X86_64.number("read"));
        assertEquals(13, Abi.X86_64.number("rt_sigaction"));
        assertEquals(83, Abi.X86_64.number("mkdir"));
        assertEquals(158, Abi.X86_64.number("arch_prctl"));
        assertEquals(334, Abi.X86_64.number("rseq"));
        assertEquals(336, Abi.X86_64.number("uprobe"));
        assertEquals(435, Abi.X86_64.number("clone3"));
        assertEquals(470, Abi.X86_64.number("listns"));
        assertEquals(-1, Abi.X86_64.number("socketcall"), "i386 only");
        assertEquals(-1, Abi.X86_64.number("mkdirx"));
    }

    @Test
    void x32NumbersCarryTheX32Bit() {
        assertEquals(0x40000000, Abi.X32.number("read"));
        assertEquals(0x40000000 | 83, Abi.X32.number("mkdir"));
        assertEquals(0x40000000 | 512, Abi.X32.number("rt_sigaction"), "x32 rows override the 64 ones");
        assertEquals(0x40000000 | 547, Abi.X32.number("pwritev2"));
        assertEquals(0x40000000 | 470, Abi.X32.number("listns"));
        assertEquals(-1, Abi.X32.number("uselib"), "a 64-only row");
    }

    @Test
    void i386NumbersComeFromSyscall32() {
        assertEquals(3, Abi.I386.number("read"));
        assertEquals(39, Abi.I386.number("mkdir"));
        assertEquals(102, Abi.I386.number("socketcall"));
        assertEquals(140, Abi.I386.number("_llseek"));
        assertEquals(174, Abi.I386.number("rt_sigaction"));
        assertEquals(384, Abi.I386.number("arch_prctl"));
        assertEquals(453, Abi.I386.number("map_shadow_stack"));
        assertEquals(470, Abi.I386.number("listns"));
        assertEquals(-1, Abi.I386.number("uprobe"), "x86_64 only");
    }

    @Test
    void everyRowOfTheTablesIsLoaded() {
        List<String> x8664 = names("syscall_64.tbl", "common", "64");
        List<String> i386 = names("syscall_32.tbl", "i386");
        assertTrue(x8664.size() > 370, "x86_64 rows: " + x8664.size());
        assertTrue(i386.size() > 450, "i386 rows: " + i386.size());
        for (String name : x8664) {
            assertTrue(Abi.X86_64.number(name) >= 0, name);
        }
        for (String name : i386) {
            assertTrue(Abi.I386.number(name) >= 0, name);
        }
    }

    @Test
    void otherArchitecturesNamesAreNotX86Names() {
        assertTrue(Abi.isOtherArchitectureSyscall("send"));
        assertTrue(Abi.isOtherArchitectureSyscall("arm_fadvise64_64"));
        assertTrue(Abi.isOtherArchitectureSyscall("riscv_flush_icache"));
        assertFalse(Abi.isOtherArchitectureSyscall("read"));
        Set<String> x86 = new HashSet<>(names("syscall_64.tbl", "common", "64", "x32"));
        x86.addAll(names("syscall_32.tbl", "i386"));
        for (String name : names("other-arch-syscalls.txt")) {
            assertFalse(x86.contains(name), name + " is an x86 syscall");
        }
    }

    /** The names in a table resource whose abi column is one of {@code abis} (or every name). */
    static List<String> names(String resource, String... abis) {
        Set<String> wanted = Set.of(abis);
        List<String> names = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                Abi.class.getResourceAsStream(resource), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] columns = line.strip().split("\\s+");
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (wanted.isEmpty()) {
                    names.add(columns[0]);
                } else if (wanted.contains(columns[1])) {
                    names.add(columns[2]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
}
