package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Both columns of {@link Syscall} against the kernel's own headers (Debian: linux-libc-dev). */
class SyscallTest {
    private static final Path GENERIC = Path.of("/usr/include/asm-generic/unistd.h");
    private static final Path X86_64 = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
    // "#define __NR_openat 56"; on 64-bit arm64, fcntl and statfs are __NR3264_fcntl etc.
    private static final Pattern DEFINE = Pattern.compile("#define __NR(?:3264)?_(\\w+)\\s+(\\d+)");

    @Test
    void arm64NumbersAreThoseOfAsmGenericUnistd() throws IOException {
        Map<String, Long> numbers = numbersIn(GENERIC);
        for (Syscall call : Syscall.values()) {
            assertEquals(numbers.get(name(call)), call.arm64, call + " in " + GENERIC);
        }
    }

    /** The x86_64 column where that header exists; on arm64 hosts the arm64 column is checked above. */
    @Test
    void numbersOfTheRunningArchitectureAreThoseOfItsHeaders() throws IOException {
        boolean x86 = System.getProperty("os.arch").equals("amd64");
        Map<String, Long> numbers = numbersIn(x86 ? X86_64 : GENERIC);
        for (Syscall call : Syscall.values()) {
            assertEquals(numbers.get(name(call)), call.number, call.toString());
            assertEquals(x86 ? call.x86_64 : call.arm64, call.number, call.toString());
        }
    }

    private static String name(Syscall call) {
        return call.name().toLowerCase(Locale.ROOT);
    }

    private static Map<String, Long> numbersIn(Path header) throws IOException {
        assertTrue(Files.isReadable(header), header + " is missing: install the kernel headers (linux-libc-dev)");
        Map<String, Long> numbers = new HashMap<>();
        Matcher m = DEFINE.matcher(Files.readString(header));
        while (m.find()) {
            numbers.put(m.group(1), Long.parseLong(m.group(2)));
        }
        assertTrue(numbers.size() > 200, "only " + numbers.size() + " numbers in " + header);
        return numbers;
    }
}
