package dev.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.image.service.ImageException;
import dev.berth.image.service.RegistryLogin;
import dev.berth.image.service.RegistryOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * berth login and logout over real HTTP: FakeRegistry with Bearer (a token fetched with Basic
 * credentials) and with Basic authentication, right and wrong passwords; Debian's docker-registry,
 * which has no authentication configured and so accepts any; and the config.json they leave.
 */
class RegistryLoginTest {
    private static final Credentials ALICE = new Credentials("alice", "s3cret");

    @RegisterExtension
    static final LocalRegistry REAL = new LocalRegistry();

    @TempDir
    Path tmp;
    Path config;
    FakeRegistry fake;
    RegistryLogin login;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeRegistry();
        config = tmp.resolve("docker/config.json");
        login = new RegistryLogin(new RegistryOptions(Set.of(), config));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private RegistryLogin.Server fakeServer() {
        return RegistryLogin.Server.of(fake.registry());
    }

    @Test
    void bearerLoginFetchesAnUnscopedTokenWithBasicCredentialsThenStoresThem() throws IOException {
        fake.auth = FakeRegistry.Auth.BEARER;
        login.login(fakeServer(), ALICE);

        List<FakeRegistry.Seen> tokens = fake.seen("GET", "/token");
        assertEquals(1, tokens.size());
        assertEquals(ALICE.basicAuthorization(), tokens.getFirst().header("authorization"));
        assertEquals("service=fake-registry", tokens.getFirst().query(), "no scope: login asks for no repository");
        List<FakeRegistry.Seen> v2 = fake.seen("GET", "/v2/");
        assertEquals(2, v2.size(), "challenged, then retried with the token");
        assertEquals("Bearer " + FakeRegistry.TOKEN, v2.getLast().header("authorization"));
        assertEquals(Optional.of(ALICE), DockerConfig.load(config).find(fake.registry()));
    }

    @Test
    void basicLoginRetriesV2WithTheCredentials() throws IOException {
        fake.auth = FakeRegistry.Auth.BASIC;
        login.login(fakeServer(), ALICE);
        List<FakeRegistry.Seen> v2 = fake.seen("GET", "/v2/");
        assertEquals(2, v2.size());
        assertNull(v2.getFirst().header("authorization"));
        assertEquals(ALICE.basicAuthorization(), v2.getLast().header("authorization"));
        assertEquals(Optional.of(ALICE), DockerConfig.load(config).find(fake.registry()));
    }

    @Test
    void storedCredentialsAreWhatAPullThenUses() throws IOException {
        fake.auth = FakeRegistry.Auth.BASIC;
        TestImage image = TestImage.build("login");
        fake.addImage("app", "1", image);
        login.login(fakeServer(), ALICE);
        try (RegistryClient client = RegistryClient.builder().dockerConfig(config).certsDirectories(List.of()).build()) {
            assertArrayEquals(image.manifestBytes, client.getManifest(fake.ref("app:1")).bytes());
        }
    }

    @Test
    void wrongPasswordIsUnauthorizedAndWritesNothing() throws IOException {
        for (FakeRegistry.Auth auth : List.of(FakeRegistry.Auth.BEARER, FakeRegistry.Auth.BASIC)) {
            fake.auth = auth;
            ImageException e = assertThrows(ImageException.class,
                    () -> login.login(fakeServer(), new Credentials("alice", "wrong")));
            String expected = "login to " + fake.registry() + ": unauthorized: "
                    + (auth == FakeRegistry.Auth.BEARER ? "incorrect username or password" : "authentication required");
            assertEquals(expected, e.getMessage(), auth.toString());
            assertFalse(Files.exists(config.getParent()), auth + ": nothing written, not even the directory");
        }
    }

    @Test
    void wrongPasswordLeavesAnExistingFileByteForByte() throws IOException {
        Files.createDirectories(config.getParent());
        byte[] before = "{\"auths\":{},\"psFormat\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        Files.write(config, before);
        fake.auth = FakeRegistry.Auth.BEARER;
        assertThrows(ImageException.class, () -> login.login(fakeServer(), new Credentials("alice", "wrong")));
        assertArrayEquals(before, Files.readAllBytes(config));
        try (Stream<Path> files = Files.list(config.getParent())) {
            assertEquals(List.of(config), files.toList());
        }
    }

    @Test
    void aRegistryThatCannotBeReachedIsAnErrorNamingItsUrl() throws IOException {
        String registry = fake.registry();
        fake.close();
        IOException e = assertThrows(IOException.class, () -> login.login(RegistryLogin.Server.of(registry), ALICE));
        assertTrue(e.getMessage().startsWith("GET http://" + registry + "/v2/: "), e.getMessage());
        assertFalse(Files.exists(config));
    }

    @Test
    void credentialHelperIsRefusedBeforeAnyRequest() throws IOException {
        Files.createDirectories(config.getParent());
        Files.writeString(config, "{\"credsStore\":\"desktop\"}");
        ImageException e = assertThrows(ImageException.class, () -> login.login(fakeServer(), ALICE));
        assertTrue(e.getMessage().contains("(credsStore: docker-credential-desktop); berth does not run credential"
                + " helpers yet"), e.getMessage());
        assertTrue(e.getMessage().startsWith(config + " names a credential helper for " + fake.registry()), e.getMessage());
        assertEquals(List.of(), fake.seen);
        assertEquals("{\"credsStore\":\"desktop\"}", Files.readString(config));
        assertThrows(ImageException.class, () -> login.logout(fakeServer()));
    }

    @Test
    void realRegistryWithoutAuthenticationAcceptsAnyCredentials() throws IOException {
        Files.createDirectories(config.getParent());
        Files.writeString(config, "{\"auths\":{\"quay.io\":{\"auth\":\"cTox\"}},\"detachKeys\":\"ctrl-q\"}");
        RegistryLogin.Server server = RegistryLogin.Server.of("http://" + REAL.registry() + "/v2/");
        assertEquals(REAL.registry(), server.configKey());
        login.login(server, new Credentials("anyone", "anything"));
        DockerConfig read = DockerConfig.load(config);
        assertEquals(Optional.of(new Credentials("anyone", "anything")), read.find(REAL.registry()));
        assertEquals(Optional.of(new Credentials("q", "1")), read.find("quay.io"));
        assertTrue(Files.readString(config).contains("\"detachKeys\": \"ctrl-q\""));

        assertTrue(login.logout(server));
        assertEquals(Optional.empty(), DockerConfig.load(config).find(REAL.registry()));
        assertEquals(Optional.of(new Credentials("q", "1")), DockerConfig.load(config).find("quay.io"));
        assertFalse(login.logout(server), "second logout: not logged in");
    }
}
