package dev.berth.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The v2 driver on a real cgroup2 hierarchy: this hybrid host's /sys/fs/cgroup/unified. It has
 * no resource controllers enabled, but it is real cgroupfs: mkdir, cgroup.procs, populated-cgroup
 * rmdir semantics and controller availability all come from the kernel, not from a fake.
 */
class RealV2UnifiedTest {
    static final Path UNIFIED = Path.of("/sys/fs/cgroup/unified");

    final String name = "berth-test-v2-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    Process sleeper;

    @BeforeEach
    void requireUnifiedHierarchy() {
        if (!Files.exists(UNIFIED.resolve("cgroup.procs"))) {
            fail("this test needs the cgroup2 mount at " + UNIFIED + " (hybrid mode, as on berth's CI machines)");
        }
    }

    @AfterEach
    void cleanUp() throws IOException, InterruptedException {
        if (sleeper != null) {
            sleeper.destroyForcibly().waitFor();
        }
        Path top = UNIFIED.resolve(name);
        if (Files.isDirectory(top.resolve("c1"))) {
            Files.delete(top.resolve("c1"));
        }
        Files.deleteIfExists(top);
    }

    @Test
    void createAddListAndDestroyForReal() throws Exception {
        CgroupDriver driver = CgroupDriver.v2(UNIFIED, "/");
        Cgroup cgroup = driver.create("/" + name + "/c1", Resources.NONE);
        Path dir = UNIFIED.resolve(name).resolve("c1");
        assertTrue(Files.isDirectory(dir));
        assertEquals(List.of(UNIFIED.resolve(name).toString(), dir.toString()), cgroup.record().created());

        sleeper = new ProcessBuilder("sleep", "30").start();
        cgroup.addProcess((int) sleeper.pid());
        assertEquals(List.of((int) sleeper.pid()), cgroup.processes());
        assertTrue(Files.readString(Path.of("/proc/" + sleeper.pid() + "/cgroup")).contains("0::/" + name + "/c1"));

        // The kernel refuses to remove a populated cgroup; destroy says so and keeps it.
        assertThrows(CgroupException.class, cgroup::destroy);
        assertTrue(Files.isDirectory(dir));

        sleeper.destroyForcibly().waitFor();
        driver.open(cgroup.record()).destroy();
        assertFalse(Files.exists(UNIFIED.resolve(name)), "destroy left the parent it created");
    }

    @Test
    void aControllerTheHierarchyDoesNotOfferIsAClearError() {
        CgroupDriver driver = CgroupDriver.v2(UNIFIED, "/");
        Resources memory = new Resources(new Resources.Memory(64L << 20, null, null, null, null, null, null),
                null, null, null, null, null, null);
        CgroupException error = assertThrows(CgroupException.class, () -> driver.create("/" + name + "/c1", memory));
        assertTrue(error.getMessage().contains("memory"), error.getMessage());
        assertFalse(Files.exists(UNIFIED.resolve(name)), "a failed create left a directory");
    }
}
