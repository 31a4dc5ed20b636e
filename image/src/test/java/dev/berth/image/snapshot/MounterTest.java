package dev.berth.image.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.linux.SyscallException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real bind mounts under a temp dir, undone in finally. */
class MounterTest {
    @TempDir
    Path dir;

    @Test
    void aReadOnlyBindTakesTheSecondRemountCall() throws IOException {
        Path source = Files.createDirectory(dir.resolve("source"));
        Files.writeString(source.resolve("file"), "content");
        Path target = Files.createDirectory(dir.resolve("target"));

        Mounter.mount(List.of(new MountSpec("bind", source.toString(), List.of("rbind", "ro"))), target);
        try {
            assertEquals("content", Files.readString(target.resolve("file")));
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> Files.writeString(target.resolve("new"), "x"));
            assertTrue(String.valueOf(e.getReason()).contains("Read-only"), e.toString());
            assertTrue(mountLine(target).contains(" ro,"), mountLine(target));
        } finally {
            Mounter.unmount(target);
        }
        assertEquals("", mountLine(target));
    }

    @Test
    void aFailingLaterSpecUnmountsTheEarlierOnes() throws IOException {
        Path source = Files.createDirectory(dir.resolve("source"));
        Path target = Files.createDirectory(dir.resolve("target"));
        Path missing = dir.resolve("missing");

        SyscallException e = assertThrows(SyscallException.class, () -> Mounter.mount(List.of(
                new MountSpec("bind", source.toString(), List.of("rbind", "rw")),
                new MountSpec("bind", missing.toString(), List.of("rbind", "rw"))), target));

        assertEquals("ENOENT", e.errnoName());
        assertEquals("", mountLine(target), "the first bind was undone");
    }

    /** The mountinfo line whose mount point is {@code target}, or "". */
    private static String mountLine(Path target) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].equals(target.toString())).findFirst().orElse("");
    }
}
