package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SocketPairTest {

    @Test
    void bytesTravelBothWays() {
        try (SocketPair pair = SocketPair.create()) {
            assertNotEquals(pair.parentEnd().number(), pair.childEnd().number());
            pair.parentEnd().write("to child".getBytes(StandardCharsets.UTF_8));
            byte[] got = new byte[8];
            pair.childEnd().readFully(got);
            assertArrayEquals("to child".getBytes(StandardCharsets.UTF_8), got);

            pair.childEnd().write("back".getBytes(StandardCharsets.UTF_8));
            byte[] back = new byte[4];
            pair.parentEnd().readFully(back);
            assertEquals("back", new String(back, StandardCharsets.UTF_8));
        }
    }

    @Test
    void closingOneEndIsEndOfFileAndHangUpAtTheOther() {
        try (SocketPair pair = SocketPair.create()) {
            pair.childEnd().close();
            assertTrue(pair.parentEnd().pollIn(Duration.ofSeconds(5)), "hang-up makes the end readable");
            assertEquals(-1, pair.parentEnd().read(new byte[4], 0, 4));
            SyscallException e = org.junit.jupiter.api.Assertions.assertThrows(SyscallException.class,
                    () -> pair.parentEnd().write(new byte[] {1}));
            assertEquals("write: EPIPE (Broken pipe)", e.getMessage());
        }
    }

    @Test
    void closeClosesBothEndsAndBothAreCloseOnExec() throws IOException {
        SocketPair pair = SocketPair.create();
        assertTrue(FdTest.isCloseOnExec(pair.parentEnd()));
        assertTrue(FdTest.isCloseOnExec(pair.childEnd()));
        pair.close();
        assertFalse(pair.parentEnd().isOpen());
        assertFalse(pair.childEnd().isOpen());
        pair.close(); // idempotent
    }
}
