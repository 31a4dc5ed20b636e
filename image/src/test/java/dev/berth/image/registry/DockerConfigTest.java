package dev.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigTest {
    @TempDir
    Path tmp;

    private DockerConfig load(String json) throws IOException {
        Path file = tmp.resolve("config.json");
        Files.writeString(file, json);
        return DockerConfig.load(file);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void dockerHubEntryIsFoundForDockerIo() throws IOException {
        DockerConfig c = load("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("hub:pw:with:colons") + "\"}}}");
        assertEquals(Optional.of(new Credentials("hub", "pw:with:colons")), c.find("docker.io"));
        assertEquals(Optional.empty(), c.find("quay.io"));
    }

    @Test
    void hostKeysMayCarrySchemeAndPath() throws IOException {
        DockerConfig c = load("{\"auths\":{"
                + "\"https://quay.io/v2/\":{\"username\":\"q\",\"password\":\"1\"},"
                + "\"127.0.0.1:5000\":{\"auth\":\"" + b64("l:2") + "\"},"
                + "\"helper.example\":{\"auth\":\"\"}}}");
        assertEquals(Optional.of(new Credentials("q", "1")), c.find("quay.io"));
        assertEquals(Optional.of(new Credentials("l", "2")), c.find("127.0.0.1:5000"));
        assertEquals(Optional.empty(), c.find("helper.example"), "empty auth (a credential helper's entry) is no credential");
    }

    @Test
    void missingFileMeansNoCredentials() throws IOException {
        assertEquals(Optional.empty(), DockerConfig.load(tmp.resolve("absent.json")).find("docker.io"));
    }

    @Test
    void malformedFileIsAnErrorNamingIt() {
        IOException e = assertThrows(IOException.class, () -> load("{\"auths\": "));
        assertTrue(e.getMessage().startsWith(tmp.resolve("config.json") + ": "), e.getMessage());
        IOException bad = assertThrows(IOException.class, () -> load("{\"auths\":{\"x.io\":{\"auth\":\"!!\"}}}"));
        assertTrue(bad.getMessage().contains("auths.x.io.auth is not valid base64"), bad.getMessage());
    }

    @Test
    void dockerConfigEnvironmentNamesTheDirectory() {
        assertEquals(Path.of("/etc/dc/config.json"), DockerConfig.defaultPath(Map.of("DOCKER_CONFIG", "/etc/dc"), "/home/u"));
        assertEquals(Path.of("/home/u/.docker/config.json"), DockerConfig.defaultPath(Map.of(), "/home/u"));
    }
}
