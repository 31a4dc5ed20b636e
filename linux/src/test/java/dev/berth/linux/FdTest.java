package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdTest {
    @TempDir
    Path dir;

    @Test
    void openOfAMissingFileNamesCallPathAndErrno() {
        SyscallException e = assertThrows(SyscallException.class,
                () -> Fd.open(Path.of("/nonexistent/x"), OpenFlags.O_RDONLY, 0));
        assertEquals("open `/nonexistent/x`: ENOENT (No such file or directory)", e.getMessage());
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open", e.syscall());
        assertEquals("/nonexistent/x", e.path());
    }

    @Test
    void stringsWithANulCharacterAreRefusedBeforeReachingC() {
        // C would read "tmp\0fs" as "tmp"; Path.of already refuses NUL, plain strings do not.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FileSystemCalls.mount("none", dir, "tmp\0fs", 0, null));
        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
    }

    @Test
    void writesAndReadsBackAFileLargerThanTheBounceBuffer() throws IOException {
        byte[] data = new byte[200_000]; // > 3 x 64 KiB chunks, not a multiple of the chunk size
        new Random(42).nextBytes(data);
        Path file = dir.resolve("data");
        try (Fd fd = Fd.open(file, OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_EXCL, 0600)) {
            fd.write(data);
        }
        assertArrayEquals(data, Files.readAllBytes(file));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)));

        byte[] back = new byte[data.length];
        try (Fd fd = Fd.open(file, OpenFlags.O_RDONLY, 0)) {
            fd.readFully(back);
            assertEquals(-1, fd.read(new byte[1], 0, 1), "EOF after the whole file");
        }
        assertArrayEquals(data, back);
    }

    @Test
    void openExclusiveOfAnExistingFileFailsWithEexist() throws IOException {
        Path file = Files.createFile(dir.resolve("exists"));
        SyscallException e = assertThrows(SyscallException.class,
                () -> Fd.open(file, OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_EXCL, 0600));
        assertEquals("EEXIST", e.errnoName());
        assertEquals(file.toString(), e.path());
    }

    @Test
    void readFullyThrowsEofExceptionAtAnEarlyEnd() throws IOException {
        Path file = Files.write(dir.resolve("short"), new byte[] {1, 2, 3});
        try (Fd fd = Fd.open(file, OpenFlags.O_RDONLY, 0)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> fd.readFully(new byte[10]));
            assertInstanceOf(EOFException.class, e.getCause());
            assertTrue(e.getMessage().contains("after 3 of 10 bytes"), e.getMessage());
        }
    }

    @Test
    void everyOpenedFdIsCloseOnExec() throws IOException {
        Path file = Files.createFile(dir.resolve("f"));
        try (Fd fd = Fd.open(file, OpenFlags.O_RDONLY, 0)) {
            assertTrue(isCloseOnExec(fd), fd + " lacks O_CLOEXEC");
        }
    }

    /** /proc/self/fdinfo/N's "flags:" line is the octal file status flags, O_CLOEXEC included. */
    static boolean isCloseOnExec(Fd fd) throws IOException {
        String flagsLine = Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd.number())).stream()
                .filter(l -> l.startsWith("flags:")).findFirst().orElseThrow();
        int flags = Integer.parseInt(flagsLine.substring("flags:".length()).strip(), 8);
        return (flags & OpenFlags.O_CLOEXEC) != 0;
    }

    @Test
    void fifoOpenedReadWriteNonBlockingCarriesData() throws IOException {
        Path fifo = dir.resolve("fifo");
        FileSystemCalls.mkfifo(fifo, 0600);
        assertEquals(0010000, (int) Files.getAttribute(fifo, "unix:mode") & 0170000, "S_IFIFO");
        try (Fd fd = Fd.open(fifo, OpenFlags.O_RDWR | OpenFlags.O_NONBLOCK, 0)) {
            assertFalse(fd.pollIn(Duration.ZERO), "an empty fifo is not readable");
            SyscallException empty = assertThrows(SyscallException.class, () -> fd.read(new byte[8], 0, 8));
            assertEquals("EAGAIN", empty.errnoName());
            assertEquals("read `" + fifo + "`: EAGAIN (Resource temporarily unavailable)", empty.getMessage());

            fd.write("ping".getBytes(StandardCharsets.US_ASCII));
            assertTrue(fd.pollIn(Duration.ofSeconds(5)));
            byte[] buf = new byte[16];
            int n = fd.read(buf, 2, 10);
            assertEquals("ping", new String(buf, 2, n, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void mkfifoOnAnExistingPathFailsWithEexist() {
        Path fifo = dir.resolve("fifo");
        FileSystemCalls.mkfifo(fifo, 0600);
        SyscallException e = assertThrows(SyscallException.class, () -> FileSystemCalls.mkfifo(fifo, 0600));
        assertEquals("mkfifo `" + fifo + "`: EEXIST (File exists)", e.getMessage());
    }

    @Test
    void pollInTimesOutAfterRoughlyTheTimeout() {
        try (SocketPair pair = SocketPair.create()) {
            long start = System.nanoTime();
            assertFalse(pair.parentEnd().pollIn(Duration.ofMillis(150)));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMillis >= 150, "returned after " + elapsedMillis + " ms");
            assertTrue(elapsedMillis < 5_000, "returned after " + elapsedMillis + " ms");
            assertThrows(IllegalArgumentException.class, () -> pair.parentEnd().pollIn(Duration.ofMillis(-1)));
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseIsRefused() throws IOException {
        Path file = Files.createFile(dir.resolve("f"));
        Fd fd = Fd.open(file, OpenFlags.O_RDONLY, 0);
        int number = fd.number();
        assertEquals("fd " + number, fd.toString());
        assertTrue(fd.isOpen());
        fd.close();
        fd.close();
        assertFalse(fd.isOpen());
        assertThrows(IllegalStateException.class, () -> fd.read(new byte[1], 0, 1));
        assertThrows(IllegalStateException.class, () -> fd.pollIn(Duration.ZERO));
    }

    @Test
    void boundsOfReadAndWriteAreChecked() throws IOException {
        Path file = Files.createFile(dir.resolve("f"));
        try (Fd fd = Fd.open(file, OpenFlags.O_RDWR, 0)) {
            assertThrows(IndexOutOfBoundsException.class, () -> fd.read(new byte[4], 2, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> fd.write(new byte[4], -1, 1));
            assertEquals(0, fd.read(new byte[4], 4, 0));
        }
    }
}
