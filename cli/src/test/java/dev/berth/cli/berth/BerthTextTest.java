package dev.berth.cli.berth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How bin/berth reads and writes text the way docker does: sizes, names, ages, --change instructions. */
class BerthTextTest {
    private static final Instant NOW = Instant.parse("2025-06-15T12:00:00Z");

    @Test
    void sizesAreDecimalWithThreeSignificantDigits() {
        assertEquals("0B", Sizes.human(0));
        assertEquals("1B", Sizes.human(1));
        assertEquals("999B", Sizes.human(999));
        assertEquals("1kB", Sizes.human(1000), "decimal units: 1000 bytes are 1kB");
        assertEquals("1.02kB", Sizes.human(1024), "not KiB");
        assertEquals("1.23kB", Sizes.human(1234));
        assertEquals("12.3kB", Sizes.human(12_345));
        assertEquals("123kB", Sizes.human(123_456));
        assertEquals("1.5MB", Sizes.human(1_500_000), "trailing zeros dropped, as %g does");
        assertEquals("4.26MB", Sizes.human(4_261_376));
        assertEquals("2.15GB", Sizes.human(2_147_483_648L));
        assertEquals("1PB", Sizes.human(1_000_000_000_000_000L));
    }

    @Test
    void namesDropDockerHubAndLibrary() {
        assertEquals("busybox", Names.familiar("docker.io/library/busybox"));
        assertEquals("busybox:1.36", Names.familiar("docker.io/library/busybox:1.36"));
        assertEquals("user/app", Names.familiar("docker.io/user/app"));
        assertEquals("127.0.0.1:5000/app", Names.familiar("127.0.0.1:5000/app"));
        assertEquals("quay.io/library/x", Names.familiar("quay.io/library/x"), "only Docker Hub's library is hidden");
    }

    @Test
    void theTagIsAfterTheLastColonBehindTheLastSlash() {
        assertArrayEquals(new String[] {"127.0.0.1:5000/app", "1"}, Names.splitTag("127.0.0.1:5000/app:1"));
        assertArrayEquals(new String[] {"127.0.0.1:5000/app", "<none>"}, Names.splitTag("127.0.0.1:5000/app"),
                "a registry port is no tag");
        assertArrayEquals(new String[] {"docker.io/library/busybox", "latest"},
                Names.splitTag("docker.io/library/busybox:latest"));
        assertArrayEquals(new String[] {"docker.io/library/busybox", "<none>"},
                Names.splitTag("docker.io/library/busybox@sha256:" + "a".repeat(64)), "a digest-only name has no tag");
    }

    @Test
    void cmdTakesTheExecFormAsIsAndTheShellFormThroughSh() {
        assertEquals(List.of("sh", "-c", "echo hi"), Dockerfile.command("[\"sh\",\"-c\",\"echo hi\"]"));
        assertEquals(List.of("a b", "c\"d"), Dockerfile.command(" [ \"a b\" , \"c\\\"d\" ] "), "JSON escapes");
        assertEquals(List.of(), Dockerfile.command("[]"));
        assertEquals(List.of("/bin/sh", "-c", "echo $HOME && ls"), Dockerfile.command("echo $HOME && ls"));
        for (String bad : List.of("[\"a\", 1]", "[\"a\"] extra", "[\"a\"", "[\"a\",]")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dockerfile.command(bad),
                    bad);
            assertTrue(e.getMessage().startsWith("CMD " + bad.strip()), e.getMessage());
        }
    }

    @Test
    void labelsAreKeyValuePairsWithOptionalQuotes() {
        assertEquals(Map.of("a", "b"), Dockerfile.labels("a=b"));
        Map<String, String> labels = Dockerfile.labels("version=1.0  maintainer=\"Jane Doe\" empty=");
        assertEquals(List.of("version", "maintainer", "empty"), List.copyOf(labels.keySet()), "in the given order");
        assertEquals(Map.of("version", "1.0", "maintainer", "Jane Doe", "empty", ""), labels);
        assertThrows(IllegalArgumentException.class, () -> Dockerfile.labels("novalue"));
        IllegalArgumentException open = assertThrows(IllegalArgumentException.class,
                () -> Dockerfile.labels("k=\"unterminated"));
        assertTrue(open.getMessage().contains("unterminated quote"), open.getMessage());
    }

    @Test
    void createdIsDockersHumanDurationAgo() {
        assertEquals("N/A", ImageListCommand.created(null, NOW));
        assertEquals("N/A", ImageListCommand.created("yesterday", NOW));
        assertEquals("Less than a second ago", ago(Duration.ofMillis(400)));
        assertEquals("Less than a second ago", ago(Duration.ofSeconds(-30)), "a clock ahead of ours is now");
        assertEquals("1 second ago", ago(Duration.ofSeconds(1)));
        assertEquals("59 seconds ago", ago(Duration.ofSeconds(59)));
        assertEquals("About a minute ago", ago(Duration.ofSeconds(119)));
        assertEquals("2 minutes ago", ago(Duration.ofMinutes(2)));
        assertEquals("59 minutes ago", ago(Duration.ofMinutes(59)));
        assertEquals("About an hour ago", ago(Duration.ofMinutes(89)), "hours are rounded");
        assertEquals("2 hours ago", ago(Duration.ofMinutes(90)));
        assertEquals("47 hours ago", ago(Duration.ofHours(47)));
        assertEquals("2 days ago", ago(Duration.ofHours(48)));
        assertEquals("13 days ago", ago(Duration.ofDays(13)));
        assertEquals("2 weeks ago", ago(Duration.ofDays(14)));
        assertEquals("8 weeks ago", ago(Duration.ofDays(59)));
        assertEquals("2 months ago", ago(Duration.ofDays(60)));
        assertEquals("24 months ago", ago(Duration.ofDays(729)));
        assertEquals("2 years ago", ago(Duration.ofDays(730)));
        assertEquals("About a minute ago", ImageListCommand.created("2025-06-15T11:58:30.123456789Z", NOW),
                "RFC 3339 with nanoseconds, as Go writes it");
    }

    private static String ago(Duration age) {
        return ImageListCommand.created(NOW.minus(age).toString(), NOW);
    }
}
