package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignalsTest {

    @Test
    void parsesNumbersNamesAndPrefixesInAnyCase() {
        assertEquals(9, Signals.parse("9"));
        assertEquals(9, Signals.parse("KILL"));
        assertEquals(9, Signals.parse("SIGKILL"));
        assertEquals(9, Signals.parse("sigkill"));
        assertEquals(9, Signals.parse("Kill"));
        assertEquals(Signals.SIGTERM, Signals.parse("TERM"));
        assertEquals(Signals.SIGCHLD, Signals.parse("SIGCHLD"));
        assertEquals(Signals.SIGCHLD, Signals.parse("CLD"));
        assertEquals(Signals.SIGABRT, Signals.parse("SIGIOT"));
        assertEquals(Signals.SIGIO, Signals.parse("POLL"));
        assertEquals(64, Signals.parse("64"));
    }

    @Test
    void parsesRealtimeSignalsAsGlibcNumbersThem() {
        assertEquals(34, Signals.parse("SIGRTMIN"));
        assertEquals(37, Signals.parse("SIGRTMIN+3"));
        assertEquals(37, Signals.parse("rtmin+3"));
        assertEquals(64, Signals.parse("RTMAX"));
        assertEquals(63, Signals.parse("SIGRTMAX-1"));
        assertEquals(34, Signals.parse("SIGRTMAX-30"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "65", "-1", "SIGFOO", "SIG", "RTMIN+31", "RTMAX-31", "RTMIN-1",
            "RTMAX+1", "RTMIN+", "9x", "99999999999"})
    void rejectsWhatIsNoSignal(String s) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Signals.parse(s));
        assertEquals("unknown signal: " + s, e.getMessage());
    }

    @Test
    void namesSignalsAsKillMinusLDoes() {
        assertEquals("SIGKILL", Signals.name(9));
        assertEquals("SIGHUP", Signals.name(Signals.SIGHUP));
        assertEquals("SIGSYS", Signals.name(31));
        assertEquals("SIGRTMIN", Signals.name(34));
        assertEquals("SIGRTMIN+15", Signals.name(49));
        assertEquals("SIGRTMAX-14", Signals.name(50));
        assertEquals("SIGRTMAX", Signals.name(64));
        assertEquals("signal 32", Signals.name(32));
        assertEquals("signal 0", Signals.name(0));
    }

    @Test
    void everySignalRoundTripsThroughItsName() {
        for (int signal = 1; signal <= 64; signal++) {
            if (signal == 32 || signal == 33) continue; // reserved by glibc, no name
            assertEquals(signal, Signals.parse(Signals.name(signal)), Signals.name(signal));
            assertEquals(signal, Signals.parse(Integer.toString(signal)));
        }
    }
}
