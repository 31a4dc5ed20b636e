package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketTest {
    @TempDir
    Path dir;

    @Test
    void listenConnectAcceptCarryData() {
        Path path = dir.resolve("s");
        try (Fd server = UnixSocket.listen(path); Fd client = UnixSocket.connect(path); Fd accepted = UnixSocket.accept(server)) {
            client.write("ping".getBytes());
            byte[] got = new byte[4];
            accepted.readFully(got);
            assertArrayEquals("ping".getBytes(), got);
        }
    }

    @Test
    void connectToNothingNamesThePath() {
        Path path = dir.resolve("missing");
        SyscallException e = assertThrows(SyscallException.class, () -> UnixSocket.connect(path));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    }

    @Test
    void anFdTravelsWithItsMessage() throws Exception {
        Path file = dir.resolve("f");
        java.nio.file.Files.writeString(file, "through the socket");
        try (SocketPair pair = SocketPair.create(); Fd open = Fd.open(file, OpenFlags.O_RDONLY, 0)) {
            UnixSocket.sendFd(pair.childEnd(), "hello".getBytes(), open);
            UnixSocket.Received received = UnixSocket.receiveFd(pair.parentEnd());
            assertEquals("hello", received.message());
            try (Fd copy = received.fd()) {
                byte[] text = new byte[18];
                copy.readFully(text);
                assertEquals("through the socket", new String(text));
            }
        }
    }

    @Test
    void receiveWithoutAnFdIsAnError() {
        try (SocketPair pair = SocketPair.create()) {
            pair.childEnd().write("no fd here".getBytes());
            SyscallException e = assertThrows(SyscallException.class, () -> UnixSocket.receiveFd(pair.parentEnd()));
            assertEquals(Errno.EBADMSG, e.errno());
        }
    }
}
