package dev.berth.runtime;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The known escapes of runc, each tried against berth. */
class EscapeTest extends ContainerTest {

    /**
     * CVE-2019-5736: a process that can see a launcher (here: the waiting init) must not be able
     * to write through its /proc/PID/exe into the host's binary.
     */
    @Test
    void launcherBinaryCannotBeOverwrittenThroughProcExe() throws Exception {
        Path launcher = Path.of(System.getProperty("berth.launcher"));
        String before = sha256(launcher);
        bundle.shell("true").write();
        int pid = runtime.create(id, bundle.dir, CreateOptions.DEFAULT).pid();
        try {
            Path exe = Path.of("/proc/" + pid + "/exe");
            assertTrue(Files.readSymbolicLink(exe).toString().startsWith("/memfd:berth-launcher"),
                    "the launcher does not run from its sealed copy: " + Files.readSymbolicLink(exe));
            assertThrows(java.io.IOException.class, () -> Files.write(exe, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND));
        } finally {
            runtime.delete(id, true);
        }
        assertEquals(before, sha256(launcher));
    }

    /** CVE-2024-21626: a cwd through a leaked fd (/proc/self/fd/N) must not reach the host. */
    @Test
    void cwdThroughAnInheritedFdIsRefused() {
        for (int fd = 3; fd <= 7; fd++) {
            bundle.process().put("cwd", "/proc/self/fd/" + fd);
            bundle.shell("ls > /out/listing").write();
            try {
                runtime.run(id + fd, bundle.dir, CreateOptions.DEFAULT, false);
            } catch (RuntimeFailure refused) {
                assertTrue(refused.getMessage().contains("/proc/self/fd/" + fd), refused.getMessage());
                continue;
            }
            String listing = read("listing");
            assertFalse(listing.contains("bundle") || listing.contains("state"), "cwd escaped to the host: " + listing);
        }
    }

    /**
     * CVE-2021-30465: a mount target swapped for a symlink to a host path while the container is
     * set up must still land inside the rootfs.
     */
    @Test
    void mountTargetSwappedForASymlinkStaysInside() throws Exception {
        Path hostDir = Files.createDirectories(tmp.resolve("host-victim"));
        Path race = bundle.rootfs.resolve("race");
        Path realDir = Files.createDirectories(bundle.rootfs.resolve("race-dir"));
        Files.createDirectories(realDir.resolve("x"));
        Path link = bundle.rootfs.resolve("race-link");
        Files.createSymbolicLink(link, hostDir);
        Files.createSymbolicLink(race, realDir.getFileName());
        bundle.mounts().add(bundle.json("{\"destination\": \"/race/x\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}"));
        bundle.shell("true").write();
        AtomicBoolean stop = new AtomicBoolean();
        Thread swapper = Thread.ofPlatform().start(() -> {
            Path tmpLink = bundle.rootfs.resolve("race-tmp");
            while (!stop.get()) {
                try {
                    // Atomically point /race at the host path, then back at the real directory.
                    Files.deleteIfExists(tmpLink);
                    Files.createSymbolicLink(tmpLink, hostDir);
                    Files.move(tmpLink, race, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    Files.createSymbolicLink(tmpLink, realDir.getFileName());
                    Files.move(tmpLink, race, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (java.io.IOException ignored) {
                    // keep racing
                }
            }
        });
        try {
            for (int i = 0; i < 30; i++) {
                try {
                    runtime.run(id + "r" + i, bundle.dir, CreateOptions.DEFAULT, false);
                } catch (RuntimeFailure acceptable) {
                    // The target may be missing at the moment it is resolved: a clear failure is fine.
                }
                assertFalse(Files.exists(hostDir.resolve("x"), LinkOption.NOFOLLOW_LINKS), "a mount point was made on the host");
                assertTrue(Leaks.mounts(hostDir.toString()).isEmpty(), "a mount landed on the host");
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
