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

    @Test
    void unknownSyscallNameIsNamed() {
        bundle.linux().set("seccomp", bundle.json("{\"defaultAction\": \"SCMP_ACT_ALLOW\","
                + " \"syscalls\": [{\"names\": [\"mkdirx\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"));
        bundle.write();
        RuntimeFailure failure = assertThrows(RuntimeFailure.class, () -> runtime.create(id, bundle.dir, CreateOptions.DEFAULT));
        assertTrue(failure.getMessage().contains("linux.seccomp.syscalls[0].names[0]: unknown syscall \"mkdirx\""), failure.getMessage());
    }
}
