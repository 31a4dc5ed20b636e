package dev.berth.runtime;

import dev.berth.cgroups.CgroupRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateFileTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsEveryFieldAndLeavesNoTemporaryFile() throws Exception {
        ContainerRecord record = new ContainerRecord("1.2.0", "c1", 4242, 123456789L, "/b", "/b/rootfs",
                "2026-11-25T11:00:00.123456789Z", "", Map.of("a", "1", "quote\"d", "x\ny"),
                new CgroupRecord("v1", Map.of("memory", "/sys/fs/cgroup/memory/berth-c1", "", "/sys/fs/cgroup/unified/berth-c1"),
                        List.of("/sys/fs/cgroup/memory/berth-c1")), dev.berth.runtime.config.HookSet.NONE);
        Path file = dir.resolve("state.json");
        StateFile.write(file, record);
        assertEquals(record, StateFile.read(file));
        assertFalse(Files.exists(dir.resolve("state.json.tmp")));
        StateFile.write(file, record);
        assertEquals(record, StateFile.read(file), "overwriting works too");
    }

    @Test
    void unknownFieldsAreSkippedAndGarbageIsAClearError() throws Exception {
        Path file = dir.resolve("state.json");
        Files.writeString(file, "{\"id\":\"c\",\"future\":{\"x\":[1,2]},\"cgroup\":{\"driver\":\"v2\",\"paths\":{},\"created\":[]}}");
        assertEquals("c", StateFile.read(file).id());
        Files.writeString(file, "[1]");
        assertTrue(assertThrows(java.io.IOException.class, () -> StateFile.read(file)).getMessage().contains("malformed state"));
    }
}
