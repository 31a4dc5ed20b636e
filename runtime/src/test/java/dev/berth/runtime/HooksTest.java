package dev.berth.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lifecycle hooks: each at its moment, in its namespace, with the state on stdin (runtime.md). */
class HooksTest extends ContainerTest {

    private void hook(String phase, String script, Integer timeout) {
        ObjectNode hook = ((ObjectNode) bundle.config.with("hooks")).withArray(phase).addObject();
        hook.put("path", "/bin/sh");
        hook.putArray("args").add("sh").add("-c").add(script);
        hook.putArray("env").add("HOOK_PHASE=" + phase);
        if (timeout != null) {
            hook.put("timeout", timeout);
        }
        bundle.write();
    }

    private JsonNode json(Path file) throws Exception {
        return new ObjectMapper().readTree(Files.readString(file));
    }

    @Test
    void everyHookRunsAtItsMomentWithTheState() throws Exception {
        Path host = Files.createDirectories(tmp.resolve("hooks"));
        hook("createRuntime", "cat > " + host + "/createRuntime.json; echo $HOOK_PHASE > " + host + "/env", null);
        // In the container's namespaces, before pivot_root (host paths still resolve).
        hook("createContainer", "(readlink /proc/self/ns/mnt; readlink /proc/self/ns/uts) > " + host + "/createContainer.ns", null);
        // After pivot_root: /out is the container's view of the output directory.
        hook("startContainer", "cat > /out/startContainer.json", null);
        hook("poststart", "cat > " + host + "/poststart.json", null);
        hook("poststop", "cat > " + host + "/poststop.json", null);
        bundle.shell("exec >/out/stdout; test -f /out/startContainer.json && echo hook-ran-first;"
                + " (readlink /proc/self/ns/mnt; readlink /proc/self/ns/uts) > /out/ns").write();

        ContainerState created = runtime.create(id, bundle.dir, CreateOptions.DEFAULT);
        JsonNode createRuntime = json(host.resolve("createRuntime.json"));
        assertEquals("creating", createRuntime.get("status").asText());
        assertEquals(id, createRuntime.get("id").asText());
        assertEquals(created.pid(), createRuntime.get("pid").asInt());
        assertEquals(bundle.dir.toString(), createRuntime.get("bundle").asText());
        assertEquals("createRuntime\n", Files.readString(host.resolve("env")));

        runtime.start(id);
        assertEquals("created", json(out.resolve("startContainer.json")).get("status").asText());
        assertEquals("running", json(host.resolve("poststart.json")).get("status").asText());
        waitStopped();
        assertEquals("hook-ran-first\n", read("stdout"));
        assertEquals(read("ns"), Files.readString(host.resolve("createContainer.ns")), "createContainer ran elsewhere");
        runtime.delete(id, false);
        assertEquals("stopped", json(host.resolve("poststop.json")).get("status").asText());
    }

    @Test
    void failingCreateRuntimeHookFailsCreateAndLeavesNothing() {
        hook("createRuntime", "exit 3", null);
        RuntimeFailure failure = assertThrows(RuntimeFailure.class, () -> runtime.create(id, bundle.dir, CreateOptions.DEFAULT));
        assertEquals("createRuntime hook /bin/sh failed: exit status 3", failure.getMessage());
        assertFalse(Files.exists(stateRoot.resolve(id)));
    }

    @Test
    void hookTimeoutKillsItAndFailsCreate() {
        hook("createContainer", "sleep 30", 1);
        long start = System.nanoTime();
        RuntimeFailure failure = assertThrows(RuntimeFailure.class, () -> runtime.create(id, bundle.dir, CreateOptions.DEFAULT));
        assertEquals("createContainer hook /bin/sh timed out after 1 s", failure.getMessage());
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "the timeout was not enforced");
    }

    @Test
    void missingHookBinaryIsAClearError() {
        ArrayNode hooks = ((ObjectNode) bundle.config.with("hooks")).withArray("createRuntime");
        hooks.addObject().put("path", "/no/such/hook");
        bundle.write();
        RuntimeFailure failure = assertThrows(RuntimeFailure.class, () -> runtime.create(id, bundle.dir, CreateOptions.DEFAULT));
        assertTrue(failure.getMessage().contains("/no/such/hook") && failure.getMessage().contains("ENOENT"), failure.getMessage());
    }

    @Test
    void failingStartContainerHookStopsTheContainer() {
        hook("startContainer", "exit 1", null);
        bundle.shell("echo should-not-run > /out/stdout").write();
        runtime.create(id, bundle.dir, CreateOptions.DEFAULT);
        RuntimeFailure failure = assertThrows(RuntimeFailure.class, () -> runtime.start(id));
        assertEquals("startContainer hook /bin/sh failed: exit status 1", failure.getMessage());
        waitStopped();
        assertEquals("", read("stdout"));
        runtime.delete(id, false);
    }

    @Test
    void failingPoststartHookIsOnlyAWarning() {
        hook("poststart", "exit 1", null);
        assertEquals(0, run("true").exitCode());
    }

    private void waitStopped() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (runtime.state(id).status() != ContainerStatus.STOPPED) {
            assertTrue(System.nanoTime() < deadline, "the container did not stop");
            Thread.onSpinWait();
        }
    }
}
