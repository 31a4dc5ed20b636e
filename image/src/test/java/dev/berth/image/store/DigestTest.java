package dev.berth.image.store;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestTest {
    // sha256("") — well-known constant.
    static final String EMPTY = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void parsesAndPrintsRoundTrip() {
        Digest d = Digest.parse(EMPTY);
        assertEquals("sha256", d.algorithm());
        assertEquals(EMPTY, d.toString());
        assertEquals(d, Digest.of("sha256", new byte[0]));
        Digest s512 = Digest.of("sha512", "x".getBytes(StandardCharsets.UTF_8));
        assertEquals(128, s512.hex().length());
        assertEquals(s512, Digest.parse(s512.toString()));
    }

    @Test
    void rejectsBadValuesNamingThem() {
        assertError("sha256", "expected <algorithm>:<hex>");
        assertError("md5:" + "a".repeat(32), "unsupported algorithm 'md5'");
        assertError("sha256:" + "A".repeat(64), "64 lowercase hex");
        assertError("sha256:" + "a".repeat(63), "64 lowercase hex");
        assertError("sha512:" + "a".repeat(64), "128 lowercase hex");
        assertError("sha256:../../etc/passwd", "64 lowercase hex");
    }

    private static void assertError(String value, String expectedFragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Digest.parse(value));
        assertTrue(e.getMessage().contains("'" + value + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(expectedFragment), e.getMessage());
    }
}
