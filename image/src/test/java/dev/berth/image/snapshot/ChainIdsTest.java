package dev.berth.image.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.image.store.Digest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainIdsTest {
    private static final Digest D0 = Digest.parse("sha256:" + "a".repeat(64));
    private static final Digest D1 = Digest.parse("sha256:" + "b".repeat(64));
    private static final Digest D2 = Digest.parse("sha256:" + "c".repeat(64));

    @Test
    void followsTheImageSpecDefinitionOverDigestStrings() throws Exception {
        // config.md: ChainID(L0) = DiffID(L0); ChainID(L0|..|Ln) = Digest(ChainID(L0|..|Ln-1) + " " + DiffID(Ln)).
        String c1 = "sha256:" + sha256Hex("sha256:" + "a".repeat(64) + " sha256:" + "b".repeat(64));
        String c2 = "sha256:" + sha256Hex(c1 + " sha256:" + "c".repeat(64));

        List<Digest> chain = ChainIds.of(List.of(D0, D1, D2));

        assertEquals(List.of(D0, Digest.parse(c1), Digest.parse(c2)), chain);
        assertEquals(List.of(D0, Digest.parse(c1)), ChainIds.of(List.of(D0, D1)), "a prefix has the same ids");
        assertEquals(List.of(), ChainIds.of(List.of()));
    }

    @Test
    void aKnownVectorOfTwoLayers() {
        // Independently: printf 'sha256:<64 a> sha256:<64 b>' | sha256sum
        assertEquals(Digest.parse("sha256:ccd722928bd92476ba1745586fed6e45a102504185ad88cd89e01ff116fd146c"),
                ChainIds.of(List.of(D0, D1)).get(1));
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
