package dev.berth.runtime;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input gets a clear error that names the problem, and a failed create leaves nothing: no
 * state directory, no cgroup (checked after each test by {@link ContainerTest}), no process.
 */
class BadInputTest extends ContainerTest {

    private RuntimeFailure createFails() {
        RuntimeFailure failure = assertThrows(RuntimeFailure.class, () -> runtime.create(id, bundle.dir, CreateOptions.DEFAULT));
        assertFalse(Files.exists(stateRoot.resolve(id)), "state directory left after a failed create");
        assertTrue(Leaks.processes("berth-launcher").isEmpty(), "a launcher process is left");
        return failure;
    }

    @Test
    void malformedJson() throws Exception {
        Files.writeString(bundle.dir.resolve("config.json"), "{\"ociVersion\": \"1.2.0\",\n  \"process\": {,}}");
        String message = createFails().getMessage();
        assertTrue(message.contains("config.json") && message.contains("line 2"), message);
    }

    @Test
    void wrongTypeNamesTheField() {
        bundle.resources().putObject("memory").put("limit", "lots");
        bundle.write();
        String message = createFails().getMessage();
        assertTrue(message.contains("linux.resources.memory.limit"), message);
    }

    @Test
    void missingRootfs() throws Exception {
        ((com.fasterxml.jackson.databind.node.ObjectNode) bundle.config.get("root")).put("path", "no-such-rootfs");
        bundle.write();
        String message = createFails().getMessage();
        assertTrue(message.contains("root.path"), message);
    }

    @Test
    void missingConfig() throws Exception {
        Files.delete(bundle.dir.resolve("config.json"));
        assertTrue(createFails().getMessage().contains("config.json"));
    }

    @Test
    void commandNotFound() {
        bundle.args("no-such-command").write();
        String message = createFails().getMessage();
        assertTrue(message.contains("no-such-command") && message.contains("ENOENT"), message);
    }

    @Test
    void commandNotFoundInRun() {
        bundle.args("/bin/no-such-command").write();
        RuntimeFailure failure = assertThrows(RuntimeFailure.class,
                () -> runtime.run(id, bundle.dir, CreateOptions.DEFAULT, false));
        assertTrue(failure.getMessage().contains("/bin/no-such-command"), failure.getMessage());
    }

    @Test
    void mountFailureNamesTheMount() {
        bundle.mounts().add(bundle.json("{\"destination\": \"/weird\", \"type\": \"no-such-fs\", \"source\": \"none\"}"));
        bundle.write();
        String message = createFails().getMessage();
        assertTrue(message.contains("/weird") && message.contains("ENODEV"), message);
    }

    @Test
    void duplicateId() {
        bundle.shell("sleep 100").write();
        runtime.create(id, bundle.dir, CreateOptions.DEFAULT);
        try {
            RuntimeFailure failure = assertThrows(RuntimeFailure.class, () -> runtime.create(id, bundle.dir, CreateOptions.DEFAULT));
            assertEquals("container with id exists: " + id, failure.getMessage());
            assertEquals(ContainerStatus.CREATED, runtime.state(id).status(), "the first container must survive");
        } finally {
            runtime.delete(id, true);
        }
    }

    @Test
    void invalidId() {
        assertEquals("invalid container id format: ../x",
                assertThrows(RuntimeFailure.class, () -> runtime.create("../x", bundle.dir, CreateOptions.DEFAULT)).getMessage());
    }

    @Test
    void unknownIdEverywhere() {
        assertThrows(ContainerNotFoundException.class, () -> runtime.state("nosuch"));
        assertThrows(ContainerNotFoundException.class, () -> runtime.start("nosuch"));
        assertThrows(ContainerNotFoundException.class, () -> runtime.kill("nosuch", 15, false));
        assertThrows(ContainerNotFoundException.class, () -> runtime.delete("nosuch", false));
        assertTrue(new ContainerNotFoundException("x").getMessage().startsWith("container does not exist"));
    }

    @Test
    void validationReportsEveryProblem() {
        bundle.process().put("cwd", "relative");
        bundle.linux().withArray("namespaces").add(bundle.json("{\"type\": \"bogus\"}"));
        bundle.write();
        String message = createFails().getMessage();
        assertTrue(message.contains("process.cwd") && message.contains("bogus"), message);
    }

    @Test
    void failedCreateRemovesTheCgroupItMade() {
        bundle.linux().put("cgroupsPath", "/berth-test-bad/" + id);
        bundle.args("/no/such/binary").write();
        createFails();
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/memory/berth-test-bad")));
    }
}
