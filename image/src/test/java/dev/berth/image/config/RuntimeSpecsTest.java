package dev.berth.image.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.spec.DefaultSpec;
import dev.berth.spec.Process;
import dev.berth.spec.Spec;
import dev.berth.spec.SpecWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeSpecsTest {

    @TempDir
    Path rootfs;

    @BeforeEach
    void writeAccounts() throws Exception {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), """
                root:x:0:0:root:/root:/bin/sh
                # comment line
                nginx:x:101:101:nginx:/var/cache/nginx:/sbin/nologin
                app:x:1000:1000::/home/app:/bin/sh
                broken:x:notanumber:1::/:/bin/sh
                """);
        Files.writeString(rootfs.resolve("etc/group"), """
                root:x:0:
                wheel:x:10:root,app
                nginx:x:101:
                audio:x:29:app
                app:x:1000:app
                """);
    }

    private static ImageConfig image(String user, List<String> entrypoint, List<String> cmd) {
        return new ImageConfig("amd64", "linux", user, List.of(), List.of("PATH=/bin", "A=1"), entrypoint, cmd,
                List.of(), null, Map.of(), null);
    }

    @Test
    void argsAreEntrypointThenCmd() throws Exception {
        Spec spec = RuntimeSpecs.fromImage(image(null, List.of("/entry.sh"), List.of("run", "-v")), rootfs,
                Overrides.NONE);
        assertEquals(List.of("/entry.sh", "run", "-v"), spec.process().args());
    }

    @Test
    void dockerOverrideRules() throws Exception {
        ImageConfig img = image(null, List.of("/entry.sh"), List.of("serve"));
        assertEquals(List.of("/entry.sh", "debug"), RuntimeSpecs.args(img, new Overrides(null, List.of("debug"), null,
                null, null)), "a new cmd keeps the image's entrypoint");
        assertEquals(List.of("/bin/sh"), RuntimeSpecs.args(img, new Overrides(List.of("/bin/sh"), null, null, null,
                null)), "a new entrypoint drops the image's cmd");
        assertEquals(List.of("/bin/sh", "-c", "id"), RuntimeSpecs.args(img, new Overrides(List.of("/bin/sh"),
                List.of("-c", "id"), null, null, null)));
        assertEquals(List.of("echo", "hi"), RuntimeSpecs.args(img, new Overrides(List.of(), List.of("echo", "hi"),
                null, null, null)), "--entrypoint \"\" clears the entrypoint");
        ImageConfigException e = assertThrows(ImageConfigException.class,
                () -> RuntimeSpecs.args(image(null, List.of(), List.of()), Overrides.NONE));
        assertTrue(e.getMessage().contains("Entrypoint") && e.getMessage().contains("Cmd"), e.getMessage());
    }

    @Test
    void envOverridesByNameAndDefaultsPath() {
        assertEquals(List.of("PATH=/bin", "A=2", "B=3"),
                RuntimeSpecs.env(List.of("PATH=/bin", "A=1"), List.of("A=2", "B=3")));
        assertEquals(List.of(RuntimeSpecs.DEFAULT_PATH, "X=1"), RuntimeSpecs.env(List.of("X=1"), null));
        assertEquals(List.of("X=1", "PATH=/opt"), RuntimeSpecs.env(List.of("X=1"), List.of("PATH=/opt")));
    }

    @Test
    void cwdIsWorkingDirOrRootAndMustBeAbsolute() throws Exception {
        ImageConfig noDir = image(null, List.of("a"), List.of());
        assertEquals("/", RuntimeSpecs.fromImage(noDir, rootfs, Overrides.NONE).process().cwd());
        ImageConfig withDir = new ImageConfig(null, null, null, null, null, List.of("a"), null, null, "/srv", null,
                null);
        assertEquals("/srv", RuntimeSpecs.fromImage(withDir, rootfs, Overrides.NONE).process().cwd());
        assertEquals("/tmp", RuntimeSpecs.fromImage(withDir, rootfs, new Overrides(null, null, null, null, "/tmp"))
                .process().cwd());
        ImageConfig relative = new ImageConfig(null, null, null, null, null, List.of("a"), null, null, "srv", null,
                null);
        ImageConfigException e = assertThrows(ImageConfigException.class,
                () -> RuntimeSpecs.fromImage(relative, rootfs, Overrides.NONE));
        assertTrue(e.getMessage().contains("config.WorkingDir"), e.getMessage());
    }

    @Test
    void keepsDefaultSpecSecurityAndTurnsTerminalOff() throws Exception {
        Spec spec = RuntimeSpecs.fromImage(image(null, List.of("a"), List.of()), rootfs, Overrides.NONE);
        Spec defaults = DefaultSpec.create(false);
        assertFalse(spec.process().terminalOrDefault());
        assertEquals(defaults.mounts(), spec.mounts());
        assertEquals(defaults.linux().namespaces(), spec.linux().namespaces());
        assertEquals(defaults.process().capabilities(), spec.process().capabilities());
        assertEquals(defaults.process().rlimits(), spec.process().rlimits());
        assertEquals(rootfs.toString(), spec.root().path());
        assertEquals(List.of("PATH=/bin", "A=1"), spec.process().env());
        String json = SpecWriter.write(spec);
        assertTrue(json.contains("\"terminal\": false"), json);
    }

    @Test
    void annotationsFromLabelsStopSignalPortsAndVolumes() throws Exception {
        ImageConfig img = new ImageConfig("arm64", "linux", null, List.of("80/tcp", "53/udp"), null, List.of("a"),
                null, List.of("/data", "/logs"), null,
                Map.of("org.opencontainers.image.title", "t", "maintainer", "m",
                        RuntimeSpecs.STOP_SIGNAL, "SIGKILL"), "SIGTERM");
        Map<String, String> a = RuntimeSpecs.fromImage(img, rootfs, Overrides.NONE).annotations();
        assertEquals("t", a.get("org.opencontainers.image.title"));
        assertEquals("m", a.get("maintainer"));
        assertEquals("SIGTERM", a.get(RuntimeSpecs.STOP_SIGNAL), "the config field wins over a label");
        assertEquals("80/tcp,53/udp", a.get(RuntimeSpecs.EXPOSED_PORTS));
        assertEquals("/data,/logs", a.get(RuntimeSpecs.VOLUMES));
        assertEquals("arm64", a.get(RuntimeSpecs.ARCHITECTURE));
        assertEquals("linux", a.get(RuntimeSpecs.OS));
        ImageConfig plain = new ImageConfig(null, null, null, null, null, List.of("a"), null, null, null, null, null);
        assertNull(RuntimeSpecs.fromImage(plain, rootfs, Overrides.NONE).annotations());
    }

    private Process.User user(String spec) throws Exception {
        return RuntimeSpecs.fromImage(image(spec, List.of("a"), List.of()), rootfs, Overrides.NONE).process().user();
    }

    @Test
    void userByNameGetsPasswdIdsAndGroupMemberships() throws Exception {
        assertEquals(new Process.User(1000L, 1000L, null, List.of(10L, 29L), null), user("app"));
        assertEquals(new Process.User(101L, 101L, null, null, null), user("nginx"));
        assertEquals(new Process.User(0L, 0L, null, List.of(10L), null), user(null), "no User means root");
        assertEquals(new Process.User(0L, 0L, null, List.of(10L), null), user(""));
    }

    @Test
    void numericUidUsesPasswdWhenPresentAndGidZeroOtherwise() throws Exception {
        assertEquals(new Process.User(1000L, 1000L, null, List.of(10L, 29L), null), user("1000"));
        assertEquals(new Process.User(4242L, 0L, null, null, null), user("4242"));
    }

    @Test
    void explicitGroupReplacesPrimaryAndDropsMemberships() throws Exception {
        assertEquals(new Process.User(1000L, 29L, null, null, null), user("app:audio"));
        assertEquals(new Process.User(1000L, 7L, null, null, null), user("app:7"));
        assertEquals(new Process.User(4242L, 4343L, null, null, null), user("4242:4343"));
        assertEquals(new Process.User(101L, 10L, null, null, null), user("101:wheel"));
    }

    @Test
    void userOverrideWinsOverImageUser() throws Exception {
        Spec spec = RuntimeSpecs.fromImage(image("app", List.of("a"), List.of()), rootfs,
                new Overrides(null, null, null, "nginx", null));
        assertEquals(101L, spec.process().user().uid());
    }

    @Test
    void unknownUserOrGroupNamesIt() {
        ImageConfigException e = assertThrows(ImageConfigException.class, () -> user("ghost"));
        assertTrue(e.getMessage().contains("\"ghost\"") && e.getMessage().contains("etc/passwd"), e.getMessage());
        ImageConfigException g = assertThrows(ImageConfigException.class, () -> user("app:nogroup"));
        assertTrue(g.getMessage().contains("\"nogroup\"") && g.getMessage().contains("etc/group"), g.getMessage());
        ImageConfigException bad = assertThrows(ImageConfigException.class, () -> user("broken"));
        assertTrue(bad.getMessage().contains("\"broken\""), bad.getMessage());
    }

    @Test
    void scratchRootfsAcceptsNumericIdsOnly(@TempDir Path scratch) throws Exception {
        Spec spec = RuntimeSpecs.fromImage(image("65534:65534", List.of("a"), List.of()), scratch, Overrides.NONE);
        assertEquals(new Process.User(65534L, 65534L, null, null, null), spec.process().user());
        assertThrows(ImageConfigException.class,
                () -> RuntimeSpecs.fromImage(image("nobody", List.of("a"), List.of()), scratch, Overrides.NONE));
    }

    @Test
    void symlinkedPasswdIsNotFollowedOutOfTheRootfs(@TempDir Path evil, @TempDir Path host) throws Exception {
        Files.writeString(host.resolve("passwd"), "hostuser:x:777:777::/:/bin/sh\n");
        Files.createDirectories(evil.resolve("etc"));
        Files.createSymbolicLink(evil.resolve("etc/passwd"), host.resolve("passwd"));
        ImageConfigException e = assertThrows(ImageConfigException.class,
                () -> RuntimeSpecs.fromImage(image("hostuser", List.of("a"), List.of()), evil, Overrides.NONE));
        assertTrue(e.getMessage().contains("etc/passwd") && e.getMessage().contains("not a regular file"),
                e.getMessage());
        Path evilEtc = host.resolve("rootfs2");
        Files.createDirectories(evilEtc);
        Files.createSymbolicLink(evilEtc.resolve("etc"), host);
        ImageConfigException dir = assertThrows(ImageConfigException.class,
                () -> RuntimeSpecs.fromImage(image("hostuser", List.of("a"), List.of()), evilEtc, Overrides.NONE));
        assertTrue(dir.getMessage().contains("not a directory"), dir.getMessage());
    }
}
