package dev.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.image.store.Digest;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReferenceTest {
    private static final String HEX = "6e9f67fa63b0323e9a1e587fd71c561ba48a034504fb804fd26fd8800039835d";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            busybox                        | docker.io/library/busybox:latest   | busybox:latest
            library/busybox                | docker.io/library/busybox:latest   | busybox:latest
            docker.io/busybox              | docker.io/library/busybox:latest   | busybox:latest
            index.docker.io/busybox:1.36   | docker.io/library/busybox:1.36     | busybox:1.36
            docker.io/library/busybox:1    | docker.io/library/busybox:1        | busybox:1
            user/app                       | docker.io/user/app:latest          | user/app:latest
            user/app:1                     | docker.io/user/app:1               | user/app:1
            docker.io/library/a/b          | docker.io/library/a/b:latest       | library/a/b:latest
            127.0.0.1:5000/a/b:c           | 127.0.0.1:5000/a/b:c               | 127.0.0.1:5000/a/b:c
            localhost:5000/x               | localhost:5000/x:latest            | localhost:5000/x:latest
            localhost/x                    | localhost/x:latest                 | localhost/x:latest
            quay.io/some_org/app-1.x__y:v_1 | quay.io/some_org/app-1.x__y:v_1  | quay.io/some_org/app-1.x__y:v_1
            [::1]:5000/img                 | [::1]:5000/img:latest              | [::1]:5000/img:latest
            my--repo/x                     | docker.io/my--repo/x:latest        | my--repo/x:latest
            """)
    void normalises(String input, String full, String familiar) {
        Reference ref = Reference.parse(input);
        assertEquals(full, ref.toString());
        assertEquals(familiar, ref.familiar());
        assertEquals(ref, Reference.parse(full), "the normalised form parses to the same reference");
    }

    @Test
    void splitsIntoParts() {
        Reference ref = Reference.parse("127.0.0.1:5000/a/b:c");
        assertEquals("127.0.0.1:5000", ref.registry());
        assertEquals("a/b", ref.repository());
        assertEquals(Optional.of("c"), ref.tag());
        assertEquals(Optional.empty(), ref.digest());
        assertEquals("c", ref.identifier());
        assertEquals("127.0.0.1:5000", ref.apiHost());
    }

    @Test
    void dockerHubIsNamedDockerIoButServedByRegistry1() {
        Reference ref = Reference.parse("busybox");
        assertEquals("docker.io", ref.registry());
        assertEquals("registry-1.docker.io", ref.apiHost());
    }

    @Test
    void digestOnlyHasNoDefaultTag() {
        Reference ref = Reference.parse("busybox@sha256:" + HEX);
        assertEquals(Optional.empty(), ref.tag());
        assertEquals(Optional.of(Digest.parse("sha256:" + HEX)), ref.digest());
        assertEquals("docker.io/library/busybox@sha256:" + HEX, ref.toString());
        assertEquals("busybox@sha256:" + HEX, ref.familiar());
        assertEquals("sha256:" + HEX, ref.identifier());
    }

    @Test
    void digestWinsOverTag() {
        Reference ref = Reference.parse("127.0.0.1:5000/app:1.0@sha256:" + HEX);
        assertEquals(Optional.of("1.0"), ref.tag(), "the tag is kept for display");
        assertEquals("sha256:" + HEX, ref.identifier(), "but the digest is what is fetched");
        assertEquals("127.0.0.1:5000/app:1.0@sha256:" + HEX, ref.toString());
    }

    @Test
    void withTagReplacesTagAndDropsDigest() {
        Reference ref = Reference.parse("busybox:1@sha256:" + HEX).withTag("2");
        assertEquals("docker.io/library/busybox:2", ref.toString());
        assertThrows(IllegalArgumentException.class, () -> ref.withTag("-bad"));
    }

    @Test
    void withDigestPinsTheSameRepository() {
        Digest d = Digest.parse("sha256:" + HEX);
        assertEquals("localhost/x@sha256:" + HEX, Reference.parse("localhost/x:1").withDigest(d).toString());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                 | empty
            Busybox                            | must be lowercase
            docker.io/User/app                 | must be lowercase
            busybox:-bad                       | invalid tag
            busybox:a/b                        | invalid registry host
            busybox:tag!                       | invalid tag
            busybox@sha256:abc                 | invalid digest
            busybox@md5:0123456789abcdef0123456789abcdef | invalid digest
            busybox@                           | invalid digest
            :tag                               | repository name is empty
            a//b                               | invalid repository name
            -a/b                               | invalid repository name
            a_/b                               | invalid repository name
            a___b                              | invalid repository name
            bad_host.com:port/x                | invalid registry host
            """)
    void rejectsInvalid(String input, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Reference.parse(input));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void rejectsAnImageIdAsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Reference.parse(HEX));
        assertTrue(e.getMessage().contains("image ID"), e.getMessage());
    }

    @Test
    void tagLengthIsLimitedTo128() {
        assertEquals("x".repeat(128), Reference.parse("a:" + "x".repeat(128)).tag().orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> Reference.parse("a:" + "x".repeat(129)));
    }

    @Test
    void nameLengthIsLimitedTo255() {
        String path = "a/" + "b".repeat(255 - "localhost/a/".length());
        assertEquals(255, Reference.parse("localhost/" + path).name().length());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Reference.parse("localhost/" + path + "b"));
        assertTrue(e.getMessage().contains("255"), e.getMessage());
    }
}
