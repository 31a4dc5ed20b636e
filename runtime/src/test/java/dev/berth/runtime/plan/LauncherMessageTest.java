package dev.berth.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class LauncherMessageTest {
    private static byte[] message(int kind, int step, int value, int errno) {
        return ByteBuffer.allocate(LauncherMessage.SIZE).order(ByteOrder.nativeOrder())
                .putInt(kind).putInt(step).putInt(value).putInt(errno).array();
    }

    @Test
    void decodesEachKind() {
        assertEquals(new LauncherMessage(LauncherMessage.Kind.PID, 1, 4242, 0),
                LauncherMessage.decode(message(1, 1, 4242, 0)));
        assertEquals(new LauncherMessage(LauncherMessage.Kind.SYNC, 2, 0, 0),
                LauncherMessage.decode(message(2, 2, 0, 0)));
        assertEquals(new LauncherMessage(LauncherMessage.Kind.READY, 30, 0, 0),
                LauncherMessage.decode(message(3, 30, 0, 0)));
        assertEquals(new LauncherMessage(LauncherMessage.Kind.ERROR, 7, 0, 1),
                LauncherMessage.decode(message(4, 7, 0, 1)));
    }

    @Test
    void decodesAPlanErrorWithStepMinusOne() {
        LauncherMessage m = LauncherMessage.decode(message(4, -1, 0, 74));
        assertEquals(LaunchPlan.PLAN_STEP, m.step());
        assertEquals(74, m.errno());
    }

    @Test
    void layoutIsLittleEndianOnThisHost() {
        byte[] bytes = {4, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0};
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            assertEquals(new LauncherMessage(LauncherMessage.Kind.ERROR, 3, 0, 2),
                    LauncherMessage.decode(bytes));
        } else {
            assertThrows(IllegalArgumentException.class, () -> LauncherMessage.decode(bytes));
        }
    }

    @Test
    void refusesWrongSizeAndUnknownKind() {
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> LauncherMessage.decode(new byte[15]));
        assertEquals("a launcher message has 16 bytes, not 15", size.getMessage());
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> LauncherMessage.decode(message(9, 0, 0, 0)));
        assertTrue(kind.getMessage().startsWith("launcher message kind 9"), kind.getMessage());
    }
}
