package dev.berth.cli.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.image.registry.LocalRegistry;
import dev.berth.image.service.BusyboxRootfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * berth login, logout and history as a user types them: {@link BerthMain#execute} in-process with
 * --config on the test's own directory (never the real ~/.docker) against Debian's docker-registry
 * on 127.0.0.1, which has no authentication configured and so accepts any credentials.
 */
class BerthLoginIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final LocalRegistry REGISTRY = new LocalRegistry();

    @TempDir
    Path tmp;
    Path configDir;
    Path configFile;

    @BeforeEach
    void config() {
        configDir = tmp.resolve("docker");
        configFile = configDir.resolve("config.json");
    }

    BerthRun berth(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of("--root", tmp.resolve("root").toString(),
                "--config", configDir.toString()));
        all.addAll(List.of(args));
        return BerthRun.of(stdin, all);
    }

    private String storedAuth(String key) throws Exception {
        JsonNode entry = JSON.readTree(configFile.toFile()).get("auths").get(key);
        return entry == null ? null : new String(Base64.getDecoder().decode(entry.get("auth").asText()),
                StandardCharsets.UTF_8);
    }

    @Test
    void loginWithPasswordStdinStoresCredentialsKeepingTheRestThenLogoutRemovesThem() throws Exception {
        Files.createDirectories(configDir);
        Files.writeString(configFile, "{\"auths\":{\"quay.io\":{\"auth\":\"cTox\"}},\"psFormat\":\"{{.ID}}\"}");
        BerthRun login = berth("pa:ss word\r\n", "login", "-u", "alice", "--password-stdin", REGISTRY.registry()).ok();
        assertEquals("Login Succeeded\n", login.out());
        assertTrue(login.err().startsWith("WARNING! Your credentials are stored unencrypted in '" + configFile + "'.\n"),
                login.err());
        assertEquals("alice:pa:ss word", storedAuth(REGISTRY.registry()), "one trailing \\r\\n dropped, as docker");
        assertEquals("q:1", storedAuth("quay.io"));
        assertEquals("{{.ID}}", JSON.readTree(configFile.toFile()).get("psFormat").asText());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(configFile)));

        BerthRun logout = berth("", "logout", REGISTRY.registry()).ok();
        assertEquals("Removing login credentials for " + REGISTRY.registry() + "\n", logout.out());
        assertEquals(null, storedAuth(REGISTRY.registry()));
        assertEquals("q:1", storedAuth("quay.io"));
        assertEquals("Not logged in to " + REGISTRY.registry() + "\n", berth("", "logout", REGISTRY.registry()).ok().out());
        assertEquals("Not logged in to https://index.docker.io/v1/\n", berth("", "logout").ok().out());
    }

    @Test
    void passwordOnTheCommandLineIsWarnedAbout() throws Exception {
        BerthRun login = berth("", "login", "-u", "bob", "-p", "pw", "http://" + REGISTRY.registry() + "/v2/").ok();
        assertTrue(login.err().startsWith("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n"),
                login.err());
        assertEquals("bob:pw", storedAuth(REGISTRY.registry()), "a URL is stored by its host");
    }

    @Test
    void missingCredentialsWithoutATerminalAndBadFlagsWriteNothing() {
        BerthRun noPassword = berth("", "login", "-u", "bob", REGISTRY.registry());
        assertEquals(1, noPassword.code(), noPassword::toString);
        assertEquals("berth: Cannot perform an interactive login from a non TTY device\n", noPassword.err());
        BerthRun noUser = berth("pw", "login", "--password-stdin", REGISTRY.registry());
        assertEquals(2, noUser.code(), noUser::toString);
        assertEquals("berth: Must provide --username with --password-stdin\n", noUser.err());
        BerthRun both = berth("pw", "login", "-u", "a", "-p", "x", "--password-stdin", REGISTRY.registry());
        assertEquals(2, both.code(), both::toString);
        assertTrue(both.err().endsWith("berth: --password and --password-stdin are mutually exclusive\n"), both.err());
        BerthRun badServer = berth("pw", "login", "-u", "a", "--password-stdin", "not a host");
        assertEquals(2, badServer.code(), badServer::toString);
        assertFalse(Files.exists(configDir));
    }

    @Test
    void credentialHelperIsRefusedAndTheFileLeftAlone() throws Exception {
        Files.createDirectories(configDir);
        String text = "{\"credHelpers\":{\"" + REGISTRY.registry() + "\":\"pass\"}}";
        Files.writeString(configFile, text);
        BerthRun login = berth("pw", "login", "-u", "a", "--password-stdin", REGISTRY.registry());
        assertEquals(1, login.code(), login::toString);
        assertTrue(login.err().startsWith("berth: " + configFile + " names a credential helper for "
                + REGISTRY.registry() + " (credHelpers: docker-credential-pass); berth does not run credential helpers"),
                login.err());
        assertEquals(1, berth("", "logout", REGISTRY.registry()).code());
        assertEquals(text, Files.readString(configFile));
    }

    @Test
    void historyOfAnImportedRootfs() throws Exception {
        Path tar = BusyboxRootfs.writeTar(tmp.resolve("busybox.tar"));
        berth("", "image", "import", tar.toString(), "imported:1").ok();
        String id = berth("", "images", "-q").ok().out().strip();

        List<String> table = berth("", "history", "imported:1").ok().out().lines().toList();
        assertEquals(2, table.size(), table::toString);
        assertEquals(List.of("IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"), List.of(table.get(0).split(" {2,}")));
        String[] row = table.get(1).split(" {2,}");
        assertEquals(id, row[0]);
        assertTrue(row[1].endsWith(" ago"), row[1]);
        assertEquals("berth image import", row[2]);
        assertTrue(row[3].matches("[0-9.]+[kM]B"), row[3]);

        assertEquals(id + "\n", berth("", "image", "history", "-q", "imported:1").ok().out());
        String full = berth("", "image", "history", "--no-trunc", "--format", "{{.ID}} {{.CreatedBy}}", id).ok().out();
        assertTrue(full.matches("sha256:" + id + "[0-9a-f]{52} berth image import\n"), full);
        JsonNode json = JSON.readTree(berth("", "history", "--format", "json", "imported:1").ok().out());
        assertEquals("berth image import", json.get("CreatedBy").asText());
        assertEquals(id, json.get("ID").asText());

        BerthRun missing = berth("", "history", "nothing:here");
        assertEquals(1, missing.code(), missing::toString);
    }
}
