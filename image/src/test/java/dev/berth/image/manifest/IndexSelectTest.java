package dev.berth.image.manifest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IndexSelectTest {

    static final String AMD64 = "sha256:" + "1".repeat(64);
    static final String ARM64 = "sha256:" + "2".repeat(64);
    static final String ARMV7 = "sha256:" + "3".repeat(64);
    static final String WIN = "sha256:" + "4".repeat(64);

    static final String MULTI_ARCH_INDEX = """
            {
              "schemaVersion": 2,
              "mediaType": "application/vnd.oci.image.index.v1+json",
              "manifests": [
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "%s", "size": 1043,
                 "platform": {"architecture": "amd64", "os": "linux"}},
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "%s", "size": 1043,
                 "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "%s", "size": 1043,
                 "platform": {"architecture": "arm", "os": "linux", "variant": "v7"}},
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "%s", "size": 2138,
                 "platform": {"architecture": "amd64", "os": "windows", "os.version": "10.0.20348.2527",
                              "os.features": ["win32k"]}}
              ]
            }
            """.formatted(AMD64, ARM64, ARMV7, WIN);

    private static Index index() {
        return ManifestReader.readIndex(MULTI_ARCH_INDEX.getBytes(UTF_8));
    }

    private static String pick(String platform) {
        return index().select(Platform.parse(platform)).digest().toString();
    }

    @Test
    void parsesIndexPlatforms() {
        Index idx = index();
        assertEquals(4, idx.manifests().size());
        Platform win = idx.manifests().get(3).platform().orElseThrow();
        assertEquals("10.0.20348.2527", win.osVersion());
        assertEquals(List.of("win32k"), win.osFeatures());
        assertEquals(new Platform("linux", "arm64", "v8"), idx.platforms().get(1));
    }

    @Test
    void selectsExactPlatforms() {
        assertEquals(AMD64, pick("linux/amd64"));
        assertEquals(ARM64, pick("linux/arm64/v8"));
        assertEquals(ARMV7, pick("linux/arm/v7"));
        assertEquals(WIN, pick("windows/amd64"));
    }

    @Test
    void normalisesAliasesAndDefaultVariants() {
        assertEquals(AMD64, pick("linux/x86_64"));
        assertEquals(ARM64, pick("linux/aarch64"));   // arm64 without variant means v8
        assertEquals(ARMV7, pick("linux/arm"));       // arm without variant means v7
        assertEquals(ARMV7, pick("LINUX/armhf"));
    }

    @Test
    void fallsBackToOlderCompatibleVariant() {
        // An armv8 32-bit CPU runs v7 code; amd64/v3 runs baseline amd64.
        assertEquals(ARMV7, pick("linux/arm/v8"));
        assertEquals(AMD64, pick("linux/amd64/v3"));
    }

    @Test
    void prefersExactVariantOverFallback() {
        String v6 = "sha256:" + "6".repeat(64);
        String json = MULTI_ARCH_INDEX.replace("\"manifests\": [", """
                "manifests": [
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "%s", "size": 1,
                 "platform": {"architecture": "arm", "os": "linux", "variant": "v6"}},""".formatted(v6));
        Index idx = ManifestReader.readIndex(json.getBytes(UTF_8));
        assertEquals(ARMV7, idx.select(Platform.parse("linux/arm/v7")).digest().toString());
        assertEquals(v6, idx.select(Platform.parse("linux/arm/v6")).digest().toString());
    }

    @Test
    void noMatchListsAvailablePlatforms() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> index().select(Platform.parse("linux/arm/v6")));
        String msg = e.getMessage();
        assertTrue(msg.contains("linux/arm/v6"), msg);
        assertTrue(msg.contains("linux/amd64, linux/arm64/v8, linux/arm/v7, windows/amd64"), msg);
        assertThrows(ManifestException.class, () -> index().select(Platform.parse("linux/s390x")));
    }

    @Test
    void currentPlatformIsLinuxWithGoArchName() {
        Platform p = Platform.current();
        assertEquals("linux", p.os());
        String jvmArch = System.getProperty("os.arch");
        String expected = switch (jvmArch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> jvmArch;
        };
        assertEquals(expected, p.architecture());
        if (expected.equals("amd64")) {
            assertEquals(AMD64, index().select(p).digest().toString());
        }
    }

    @Test
    void malformedIndexNamesTheField() {
        String msg = assertThrows(ManifestException.class, () -> ManifestReader.readIndex(
                MULTI_ARCH_INDEX.replace("\"architecture\": \"arm64\", ", "").getBytes(UTF_8))).getMessage();
        assertTrue(msg.contains("manifests[1].platform.architecture"), msg);
        msg = assertThrows(ManifestException.class, () -> ManifestReader.readIndex(
                MULTI_ARCH_INDEX.replace("index.v1+json", "index.v2+json").getBytes(UTF_8))).getMessage();
        assertTrue(msg.contains("'mediaType'") && msg.contains("index.v2+json"), msg);
    }
}
