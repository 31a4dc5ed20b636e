package dev.berth.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultSpecTest {

    @Test
    void isByteForByteWhatRuncSpecWritesApartFromTheHostname() throws Exception {
        String expected = SpecReaderTest.resource("runc-spec.json");

        assertEquals(expected, SpecWriter.write(DefaultSpec.create(false)));
    }

    @Test
    void roundTripsThroughAFileAndValidates(@TempDir Path bundle) throws Exception {
        Files.createDirectory(bundle.resolve("rootfs"));
        Spec original = DefaultSpec.create(false);
        Files.writeString(bundle.resolve("config.json"), SpecWriter.write(original));

        Spec read = SpecReader.read(bundle.resolve("config.json"));

        assertEquals(original, read);
        SpecValidator.validate(read, bundle);
    }

    @Test
    void rootlessRoundTripsAndValidates(@TempDir Path bundle) throws Exception {
        Files.createDirectory(bundle.resolve("rootfs"));
        Spec original = DefaultSpec.create(true);
        Files.writeString(bundle.resolve("config.json"), SpecWriter.write(original));

        Spec read = SpecReader.read(bundle.resolve("config.json"));

        assertEquals(original, read);
        SpecValidator.validate(read, bundle);
    }

    @Test
    void rootlessMapsTheCallersEffectiveIdsToRoot() throws Exception {
        // /proc/self is owned by the effective uid and gid of the process reading it (proc(5)).
        long euid = ((Number) Files.getAttribute(Path.of("/proc/self/"), "unix:uid")).longValue();
        long egid = ((Number) Files.getAttribute(Path.of("/proc/self/"), "unix:gid")).longValue();

        Linux linux = DefaultSpec.create(true).linux();

        assertEquals(List.of(new IdMapping(0L, euid, 1L)), linux.uidMappings());
        assertEquals(List.of(new IdMapping(0L, egid, 1L)), linux.gidMappings());
    }

    @Test
    void rootlessDropsWhatAnUnprivilegedUserCannotSetUp() {
        Spec spec = DefaultSpec.toRootless(DefaultSpec.create(false), 1000, 1001);

        assertEquals(List.of("pid", "ipc", "uts", "mount", "cgroup", "user"),
                spec.linux().namespaces().stream().map(Linux.Namespace::type).toList());
        assertNull(spec.linux().resources(), "no cgroup resources");
        assertEquals(List.of(new IdMapping(0L, 1000L, 1L)), spec.linux().uidMappings());
        assertEquals(List.of(new IdMapping(0L, 1001L, 1L)), spec.linux().gidMappings());
        Mount sys = spec.mounts().stream().filter(m -> m.destination().equals("/sys")).findFirst().orElseThrow();
        assertEquals(new Mount("/sys", "none", "/sys", List.of("rbind", "nosuid", "noexec", "nodev", "ro")), sys);
        assertFalse(spec.mounts().stream().anyMatch(m -> m.destination().equals("/sys/fs/cgroup")), "no cgroup mount");
        Mount pts = spec.mounts().stream().filter(m -> m.destination().equals("/dev/pts")).findFirst().orElseThrow();
        assertEquals(List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"), pts.options(),
                "gid=5 is unmapped in a single-id user namespace");
        assertEquals(DefaultSpec.create(false).linux().maskedPaths(), spec.linux().maskedPaths());
    }

    @Test
    void hostnameIsBerthAndTheRootIsReadOnly() {
        Spec spec = DefaultSpec.create(false);

        assertEquals("berth", spec.hostname());
        assertTrue(spec.root().readonlyOrDefault());
        assertTrue(spec.process().terminalOrDefault());
        assertTrue(spec.process().noNewPrivilegesOrDefault());
    }
}
