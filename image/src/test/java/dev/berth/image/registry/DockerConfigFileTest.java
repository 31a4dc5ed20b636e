package dev.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json as login and logout rewrite it: one auths entry changes, everything else stays. */
class DockerConfigFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private Path config(String json) throws IOException {
        Path file = tmp.resolve("config.json");
        Files.writeString(file, json);
        return file;
    }

    /** Files in tmp besides the config: a temporary file left behind would show here. */
    private List<String> others() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("config.json")).sorted().toList();
        }
    }

    @Test
    void keysOfDockerLogin() {
        assertEquals("https://index.docker.io/v1/", DockerConfigFile.keyFor(null));
        assertEquals("https://index.docker.io/v1/", DockerConfigFile.keyFor("docker.io"));
        assertEquals("https://index.docker.io/v1/", DockerConfigFile.keyFor("https://index.docker.io/v1/"));
        assertEquals("https://index.docker.io/v1/", DockerConfigFile.keyFor("registry-1.docker.io"));
        assertEquals("127.0.0.1:5000", DockerConfigFile.keyFor("http://127.0.0.1:5000/v2/"));
        assertEquals("quay.io", DockerConfigFile.keyFor("Quay.IO"));
        assertEquals("docker.io", DockerConfigFile.registryOf(DockerConfigFile.keyFor(null)));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> DockerConfigFile.keyFor("not a host"));
        assertTrue(bad.getMessage().contains("'not a host'"), bad.getMessage());
    }

    @Test
    void storeKeepsUnknownKeysOtherAuthsAndNumbersExactly() throws IOException {
        Path file = config("""
                {"psFormat":"table {{.ID}}","auths":{"quay.io":{"auth":"%s","email":"q@x"},\
                "127.0.0.1:5000":{"auth":"b2xkOm9sZA=="}},"proxies":{"default":{"httpProxy":"http://p:3128"}},\
                "big":9007199254740993,"float":1.50e3,"list":[1,"two",null,true]}"""
                .formatted(b64("q:1")));
        DockerConfigFile.storeAuth(file, "127.0.0.1:5000", new Credentials("alice", "s3cret:x"));

        JsonNode root = JSON.readTree(file.toFile());
        assertEquals(List.of("psFormat", "auths", "proxies", "big", "float", "list"), names(root));
        assertEquals("table {{.ID}}", root.get("psFormat").asText());
        assertEquals("http://p:3128", root.at("/proxies/default/httpProxy").asText());
        String text = Files.readString(file);
        assertTrue(text.contains("9007199254740993"), text);
        assertTrue(text.contains("1.50E+3"), text); // as a decimal: 1.50e3 is not rounded through a double
        assertTrue(text.contains("9007199254740993"), "2^53+1 not rounded either: " + text);
        assertEquals("[1,\"two\",null,true]", root.get("list").toString());
        JsonNode auths = root.get("auths");
        assertEquals(JSON.readTree("{\"auth\":\"" + b64("q:1") + "\",\"email\":\"q@x\"}"), auths.get("quay.io"));
        assertEquals(JSON.readTree("{\"auth\":\"" + b64("alice:s3cret:x") + "\"}"), auths.get("127.0.0.1:5000"),
                "replaced whole, in its place");
        assertEquals(List.of("quay.io", "127.0.0.1:5000"), names(auths));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of(), others());
        // What pulls and pushes read back:
        assertEquals(Optional.of(new Credentials("alice", "s3cret:x")), DockerConfig.load(file).find("127.0.0.1:5000"));
        assertEquals(Optional.of(new Credentials("q", "1")), DockerConfig.load(file).find("quay.io"));
    }

    @Test
    void storeCreatesTheFileAndItsDirectory() throws IOException {
        Path file = tmp.resolve("new/.docker/config.json");
        DockerConfigFile.storeAuth(file, DockerConfigFile.DOCKER_HUB_KEY, new Credentials("hub", "pw"));
        JsonNode root = JSON.readTree(file.toFile());
        assertEquals(b64("hub:pw"), root.at("/auths/https:~1~1index.docker.io~1v1~1/auth").asText());
        assertEquals(Optional.of(new Credentials("hub", "pw")), DockerConfig.load(file).find("docker.io"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).startsWith("{\n\t\"auths\": {\n\t\t\""), "docker's tab indent");
    }

    @Test
    void newEntryGoesBeforeAnOlderSpellingOfTheSameHostSoThatItIsTheOneRead() throws IOException {
        Path file = config("{\"auths\":{\"https://127.0.0.1:5000\":{\"auth\":\"" + b64("old:old") + "\"}}}");
        DockerConfigFile.storeAuth(file, "127.0.0.1:5000", new Credentials("new", "new"));
        JsonNode auths = JSON.readTree(file.toFile()).get("auths");
        assertEquals(List.of("127.0.0.1:5000", "https://127.0.0.1:5000"), names(auths));
        assertEquals(Optional.of(new Credentials("new", "new")), DockerConfig.load(file).find("127.0.0.1:5000"));
    }

    @Test
    void storeReplacesAnAuthsThatIsNullAndReadsABlankFileAsEmpty() throws IOException {
        Path file = config("{\"auths\":null,\"x\":1}");
        DockerConfigFile.storeAuth(file, "r.example", new Credentials("u", "p"));
        assertEquals(JSON.readTree("{\"auths\":{\"r.example\":{\"auth\":\"" + b64("u:p") + "\"}},\"x\":1}"),
                JSON.readTree(file.toFile()));
        Files.writeString(file, "\n");
        DockerConfigFile.storeAuth(file, "r.example", new Credentials("u", "p"));
        assertEquals(JSON.readTree("{\"auths\":{\"r.example\":{\"auth\":\"" + b64("u:p") + "\"}}}"),
                JSON.readTree(file.toFile()));
    }

    @Test
    void aSymlinkedConfigIsWrittenThroughKeepingTheLink() throws IOException {
        Path real = Files.writeString(tmp.resolve("dotfiles-config.json"), "{\"keep\":true}");
        Path link = Files.createSymbolicLink(tmp.resolve("config.json"), real.getFileName());
        DockerConfigFile.storeAuth(link, "r.example", new Credentials("u", "p"));
        assertTrue(Files.isSymbolicLink(link));
        assertTrue(JSON.readTree(real.toFile()).get("keep").asBoolean());
        assertEquals(Optional.of(new Credentials("u", "p")), DockerConfig.load(link).find("r.example"));
    }

    @Test
    void malformedFileIsAnErrorNamingItAndIsLeftAsItWas() throws IOException {
        for (String bad : List.of("{\"auths\":", "[]", "{\"a\":1,\"a\":2}")) {
            Path file = config(bad);
            IOException e = assertThrows(IOException.class,
                    () -> DockerConfigFile.storeAuth(file, "r.example", new Credentials("u", "p")));
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
            assertArrayEquals(bad.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file));
            assertEquals(List.of(), others());
        }
    }

    @Test
    void removeDropsTheKeyAndItsSchemeSpellingsOnly() throws IOException {
        Path file = config("""
                {"auths":{"http://127.0.0.1:5000":{"auth":"%1$s"},"quay.io":{"auth":"%1$s"},\
                "127.0.0.1:5000":{"auth":"%1$s"},"https://127.0.0.1:5000/v2/":{"auth":"%1$s"}},"credHelpers":{}}"""
                .formatted(b64("u:p")));
        assertTrue(DockerConfigFile.removeAuth(file, "127.0.0.1:5000"));
        JsonNode root = JSON.readTree(file.toFile());
        // docker logout tries host, http://host and https://host; other spellings are not its own.
        assertEquals(List.of("quay.io", "https://127.0.0.1:5000/v2/"), names(root.get("auths")));
        assertTrue(root.has("credHelpers"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void removeOfWhatIsNotThereChangesNothing() throws IOException {
        String text = "{\"auths\":{\"quay.io\":{\"auth\":\"" + b64("u:p") + "\"}}}";
        Path file = config(text);
        assertFalse(DockerConfigFile.removeAuth(file, "r.example"));
        assertFalse(DockerConfigFile.removeAuth(file, DockerConfigFile.DOCKER_HUB_KEY));
        assertEquals(text, Files.readString(file), "not rewritten at all");
        assertFalse(DockerConfigFile.removeAuth(tmp.resolve("absent.json"), "r.example"));
        assertFalse(Files.exists(tmp.resolve("absent.json")));
    }

    @Test
    void credentialHelpersAreFoundPerRegistryThenForAll() throws IOException {
        Path file = config("{\"credHelpers\":{\"https://quay.io\":\"quay\",\"gcr.io\":\"\"},\"credsStore\":\"desktop\"}");
        assertEquals(Optional.of("credHelpers: docker-credential-quay"), DockerConfigFile.credentialHelper(file, "quay.io"));
        assertEquals(Optional.of("credsStore: docker-credential-desktop"),
                DockerConfigFile.credentialHelper(file, "r.example"));
        assertEquals(Optional.of("credsStore: docker-credential-desktop"),
                DockerConfigFile.credentialHelper(file, "gcr.io"), "an empty helper name is none");
        Path plain = Files.writeString(tmp.resolve("plain.json"), "{\"credsStore\":\"\",\"auths\":{}}");
        assertEquals(Optional.empty(), DockerConfigFile.credentialHelper(plain, "r.example"));
        assertEquals(Optional.empty(), DockerConfigFile.credentialHelper(tmp.resolve("absent.json"), "r.example"));
    }
}
