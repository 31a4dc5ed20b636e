package dev.berth.image.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageConfigReaderTest {

    private static final String NGINX_LIKE = """
            {"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z",
             "config":{"User":"nginx","ExposedPorts":{"80/tcp":{},"443/tcp":{}},
               "Env":["PATH=/usr/bin:/bin","NGINX_VERSION=1.25"],
               "Entrypoint":["/docker-entrypoint.sh"],"Cmd":["nginx","-g","daemon off;"],
               "Volumes":{"/var/cache/nginx":{}},"WorkingDir":"/srv",
               "Labels":{"maintainer":"x","org.opencontainers.image.title":"nginx"},
               "StopSignal":"SIGQUIT","Healthcheck":{"Test":["CMD","true"]}},
             "rootfs":{"type":"layers","diff_ids":["sha256:aa"]},
             "history":[{"created_by":"x","empty_layer":true}]}
            """;

    @Test
    void readsEveryConfigFieldAndSkipsTheRest(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, NGINX_LIKE);
        ImageConfig c = ImageConfigReader.read(file);
        assertEquals("amd64", c.architecture());
        assertEquals("linux", c.os());
        assertEquals("nginx", c.user());
        assertEquals(List.of("80/tcp", "443/tcp"), c.exposedPorts());
        assertEquals(List.of("PATH=/usr/bin:/bin", "NGINX_VERSION=1.25"), c.env());
        assertEquals(List.of("/docker-entrypoint.sh"), c.entrypoint());
        assertEquals(List.of("nginx", "-g", "daemon off;"), c.cmd());
        assertEquals(List.of("/var/cache/nginx"), c.volumes());
        assertEquals("/srv", c.workingDir());
        assertEquals(Map.of("maintainer", "x", "org.opencontainers.image.title", "nginx"), c.labels());
        assertEquals("SIGQUIT", c.stopSignal());
    }

    @Test
    void dockerNullsAndMissingConfigMeanAbsent() throws Exception {
        ImageConfig c = ImageConfigReader.read(
                "{\"os\":\"linux\",\"config\":{\"Env\":null,\"Cmd\":null,\"Entrypoint\":null,\"Labels\":null,"
                        + "\"User\":\"\",\"ExposedPorts\":null}}", "t");
        assertTrue(c.env().isEmpty() && c.cmd().isEmpty() && c.entrypoint().isEmpty() && c.labels().isEmpty());
        assertTrue(c.exposedPorts().isEmpty());
        assertEquals("", c.user());
        ImageConfig bare = ImageConfigReader.read("{\"architecture\":\"arm64\"}", "t");
        assertEquals("arm64", bare.architecture());
        assertNull(bare.workingDir());
        assertTrue(bare.cmd().isEmpty());
    }

    @Test
    void wrongTypeNamesTheField() {
        ImageConfigException e = assertThrows(ImageConfigException.class,
                () -> ImageConfigReader.read("{\"config\":{\"Cmd\":\"echo hi\"}}", "blob"));
        assertTrue(e.getMessage().contains("config.Cmd"), e.getMessage());
        assertTrue(e.getMessage().contains("blob"), e.getMessage());
        ImageConfigException elem = assertThrows(ImageConfigException.class,
                () -> ImageConfigReader.read("{\"config\":{\"Env\":[\"A=1\",2]}}", "blob"));
        assertTrue(elem.getMessage().contains("config.Env[1]"), elem.getMessage());
        ImageConfigException label = assertThrows(ImageConfigException.class,
                () -> ImageConfigReader.read("{\"config\":{\"Labels\":{\"k\":1}}}", "blob"));
        assertTrue(label.getMessage().contains("config.Labels.k"), label.getMessage());
    }

    @Test
    void malformedJsonIsReportedWithItsSource() {
        ImageConfigException e = assertThrows(ImageConfigException.class,
                () -> ImageConfigReader.read("{\"config\":{", "blob-x"));
        assertTrue(e.getMessage().contains("blob-x"), e.getMessage());
        assertThrows(ImageConfigException.class, () -> ImageConfigReader.read("[]", "arr"));
    }

    @Test
    void missingFileNamesThePath(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");
        ImageConfigException e = assertThrows(ImageConfigException.class, () -> ImageConfigReader.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void summaryReadsCreatedPlatformAndDiffIds() throws Exception {
        String hex = "a".repeat(64);
        ConfigSummary summary = ImageConfigReader.summary(("{\"created\":\"2020-01-02T03:04:05Z\",\"architecture\":\"amd64\","
                + "\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
                + hex + "\"]}}").getBytes(java.nio.charset.StandardCharsets.UTF_8), "test");
        org.junit.jupiter.api.Assertions.assertEquals("2020-01-02T03:04:05Z", summary.created());
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(dev.berth.image.store.Digest.parse("sha256:" + hex)),
                summary.diffIds());
        var e = org.junit.jupiter.api.Assertions.assertThrows(ImageConfigException.class,
                () -> ImageConfigReader.summary("{\"rootfs\":{\"diff_ids\":[\"md5:x\"]}}".getBytes(), "cfg"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("rootfs.diff_ids[0]"), e.getMessage());
    }
}
