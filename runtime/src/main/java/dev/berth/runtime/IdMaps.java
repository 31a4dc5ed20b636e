package dev.berth.runtime;

import dev.berth.linux.Processes;
import dev.berth.runtime.config.IdMap;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Writing a new user namespace's id maps from outside it (user_namespaces(7)). */
final class IdMaps {
    private IdMaps() {
    }

    /**
     * uid_map, then setgroups and gid_map of process {@code pid}. An unprivileged writer must
     * first write "deny" to setgroups before it may write gid_map (since Linux 3.19); root keeps
     * setgroups allowed so that the container's additionalGids work.
     */
    static void write(int pid, List<IdMap> uidMaps, List<IdMap> gidMaps) {
        Path proc = Path.of("/proc", Integer.toString(pid));
        writeOnce(proc.resolve("uid_map"), IdMap.file(uidMaps));
        if (Processes.geteuid() != 0) {
            writeOnce(proc.resolve("setgroups"), "deny");
        }
        writeOnce(proc.resolve("gid_map"), IdMap.file(gidMaps));
    }

    /** The kernel accepts a map file in one write(2) only; FileOutputStream makes exactly one. */
    private static void writeOnce(Path file, String content) {
        try (FileOutputStream out = new FileOutputStream(file.toFile())) {
            out.write(content.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new RuntimeFailure("write " + file + " (" + content.strip().replace('\n', ';') + "): " + e.getMessage(), e);
        }
    }
}
