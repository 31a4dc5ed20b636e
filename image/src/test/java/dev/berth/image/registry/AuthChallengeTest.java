package dev.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {
    @Test
    void bearerWithQuotedParamsContainingCommas() {
        List<AuthChallenge> c = AuthChallenge.parse("Bearer realm=\"https://auth.docker.io/token\","
                + "service=\"registry.docker.io\",scope=\"repository:library/busybox:pull,push\"");
        assertEquals(List.of(new AuthChallenge("bearer", Map.of("realm", "https://auth.docker.io/token",
                "service", "registry.docker.io", "scope", "repository:library/busybox:pull,push"))), c);
    }

    @Test
    void schemeAndParamNamesAreCaseInsensitiveAndEscapesAreRead() {
        List<AuthChallenge> c = AuthChallenge.parse("BASIC Realm=\"say \\\"hi\\\"\"");
        assertEquals(List.of(new AuthChallenge("basic", Map.of("realm", "say \"hi\""))), c);
    }

    @Test
    void severalChallengesInOneHeader() {
        List<AuthChallenge> c = AuthChallenge.parse("Basic realm=\"r\", Bearer realm=\"https://t/x\",service=s");
        assertEquals(List.of(new AuthChallenge("basic", Map.of("realm", "r")),
                new AuthChallenge("bearer", Map.of("realm", "https://t/x", "service", "s"))), c);
    }

    @Test
    void emptyHeaderHasNoChallenge() {
        assertEquals(List.of(), AuthChallenge.parse(""));
    }
}
