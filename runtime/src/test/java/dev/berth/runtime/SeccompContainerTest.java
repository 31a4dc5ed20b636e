package dev.berth.runtime;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** linux.seccomp in a real container: the filter holds for its process and for exec. */
class SeccompContainerTest extends ContainerTest {

    private void denyMkdir(String action) {
        bundle.linux().set("seccomp", bundle.json("{\"defaultAction\": \"SCMP_ACT_ALLOW\","
                + " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],"
                + " \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"" + action + "\"}]}"));
        bundle.write();
    }

    @Test
    void aRuleThatBlocksMkdir() {
        denyMkdir("SCMP_ACT_ERRNO");
        Result result = run("echo still-works; mkdir /tmp/blocked");
        assertEquals(1, result.exitCode());
        assertEquals("still-works\n", result.stdout());
        assertTrue(result.stderr().contains("Operation not permitted"), result.stderr());
    }

    @Test
    void withoutNoNewPrivilegesTheFilterGoesInEarly() {
        bundle.process().put("noNewPrivileges", false);
        denyMkdir("SCMP_ACT_ERRNO");
        Result result = run("mkdir /tmp/blocked");
        assertTrue(result.stderr().contains("Operation not permitted"), result.stderr());
        assertEquals("0\n", runOkAgain("grep NoNewPrivs /proc/self/status | cut -f2"));
    }

    private String runOkAgain(String script) {
        id = id + "b";
        return runOk(script);
    }

    @Test
    void killProcessAction() {
        denyMkdir("SCMP_ACT_KILL_PROCESS");
        assertEquals(128 + 31, run("mkdir /tmp/x").exitCode(), "SIGSYS expected");
    }

    @Test
    void execdProcessesAreFilteredToo() {
        denyMkdir("SCMP_ACT_ERRNO");
        bundle.shell("sleep 1000").write();
        runtime.create(id, bundle.dir, CreateOptions.DEFAULT);
        runtime.start(id);
        try {
            var p = runtime.containerProcess(id);
            var mkdir = new dev.berth.spec.Process(false, null, p.user(), List.of("sh", "-c", "mkdir /tmp/x 2> /out/err"),
                    null, p.env(), p.cwd(), p.capabilities(), p.rlimits(), p.noNewPrivileges(), null, null, null, null, null);
            assertEquals(1, runtime.exec(id, mkdir, ExecOptions.DEFAULT));
            assertTrue(read("err").contains("Operation not permitted"), read("err"));
        } finally {
            runtime.delete(id, true);
        }
    }

    /**
     * SCMP_ACT_NOTIFY: the listener fd reaches the agent at listenerPath with the container
     * process state; once the agent lets go of it, notified syscalls fail with ENOSYS.
     */
    @Test
    void notifyHandsTheListenerToTheAgent() throws Exception {
        java.nio.file.Path agentPath = tmp.resolve("agent.sock");
        bundle.linux().set("seccomp", bundle.json("{\"defaultAction\": \"SCMP_ACT_ALLOW\","
                + " \"listenerPath\": \"" + agentPath + "\", \"listenerMetadata\": \"hello agent\","
                + " \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"));
        bundle.shell("exec >/out/stdout 2>/out/stderr; echo before; mkdir /tmp/x").write();
        try (dev.berth.linux.Fd agent = dev.berth.linux.UnixSocket.listen(agentPath)) {
            int pid = runtime.create(id, bundle.dir, CreateOptions.DEFAULT).pid();
            try (dev.berth.linux.Fd connection = dev.berth.linux.UnixSocket.accept(agent)) {
                var received = dev.berth.linux.UnixSocket.receiveFd(connection);
                received.fd().close(); // the agent goes away without answering
                var state = new com.fasterxml.jackson.databind.ObjectMapper().readTree(received.message());
                assertEquals("seccompFd", state.get("fds").get(0).asText());
                assertEquals(pid, state.get("pid").asInt());
                assertEquals("hello agent", state.get("metadata").asText());
                assertEquals(id, state.get("state").get("id").asText());
            }
            runtime.start(id);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (runtime.state(id).status() != ContainerStatus.STOPPED) {
                assertTrue(System.nanoTime() < deadline, "the container did not finish");
            }
            assertEquals("before\n", read("stdout"));
            assertTrue(read("stderr").contains("Function not implemented"), read("stderr"));
        } finally {
            runtime.delete(id, true);
        }
    }

    @Test
    void unknownSyscallNameIsNamed() {
        bundle.linux().set("seccomp", bundle.json("{\"defaultAction\": \"SCMP_ACT_ALLOW\","
                + " \"syscalls\": [{\"names\": [\"mkdirx\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"));
        bundle.write();
        RuntimeFailure failure = assertThrows(RuntimeFailure.class, () -> runtime.create(id, bundle.dir, CreateOptions.DEFAULT));
        assertTrue(failure.getMessage().contains("linux.seccomp.syscalls[0].names[0]: unknown syscall \"mkdirx\""), failure.getMessage());
    }
}
