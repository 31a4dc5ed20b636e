package dev.berth.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one downcall shape of {@link Libc}: all seven words reach the callee, errno comes back. */
class LibcTest {
    // copy_file_range(2) takes six arguments; its last (flags, "must be 0") is syscall()'s
    // seventh, the one x86_64 passes on the stack.
    private static final long COPY_FILE_RANGE = System.getProperty("os.arch").equals("amd64") ? 326 : 285;

    @TempDir
    Path dir;

    @Test
    void everyArgumentOfASixArgumentSyscallArrivesAndErrnoIsCaptured() throws IOException {
        Path in = Files.writeString(dir.resolve("in"), "0123456789");
        Path out = dir.resolve("out");
        try (Fd source = Fd.open(in, OpenFlags.O_RDONLY, 0);
                Fd target = Fd.open(out, OpenFlags.O_WRONLY | OpenFlags.O_CREAT, 0600);
                Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment syscall = Libc.symbol("syscall");
            long refused = Libc.call(syscall, st, COPY_FILE_RANGE, source.number(), 0, target.number(), 0, 4, 1);
            assertEquals(-1, refused);
            assertEquals(Errno.EINVAL, Libc.errno(st), "flags = 1 reached the kernel");

            long copied = Libc.call(syscall, st, COPY_FILE_RANGE, source.number(), 0, target.number(), 0, 4, 0);
            assertEquals(4, copied, "flags = 0 reached the kernel, and the length 4");
        }
        assertEquals("0123", Files.readString(out));
    }

    @Test
    void cStringIsNulTerminatedUtf8() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = Libc.cString(arena, "/tmp/é");
            byte[] expected = "/tmp/é\0".getBytes(StandardCharsets.UTF_8);
            assertEquals(expected.length, s.byteSize());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], s.getAtIndex(JAVA_BYTE, i), "byte " + i);
            }
        }
    }

    @Test
    void onlyNativeMemoryHasAnAddressForC() {
        // A heap segment's address() is an offset into a movable array: passing it would be a bug.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Libc.address(MemorySegment.ofArray(new byte[8])));
        assertTrue(e.getMessage().startsWith("not native memory"), e.getMessage());
        assertEquals(0, Libc.address(MemorySegment.NULL));
    }
}
