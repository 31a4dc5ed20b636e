package dev.berth.runtime.seccomp;

import static dev.berth.runtime.seccomp.SeccompCompilerTest.ALLOW;
import static dev.berth.runtime.seccomp.SeccompCompilerTest.I386;
import static dev.berth.runtime.seccomp.SeccompCompilerTest.KILL_THREAD;
import static dev.berth.runtime.seccomp.SeccompCompilerTest.X32_BIT;
import static dev.berth.runtime.seccomp.SeccompCompilerTest.X86_64;
import static dev.berth.runtime.seccomp.SeccompCompilerTest.errno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.spec.Seccomp;
import org.junit.jupiter.api.Test;

/**
 * Docker's default profile (moby profiles/seccomp/default.json) as dockerd hands it to the
 * runtime on amd64 with Docker's default capabilities: ~350 syscalls allowed on x86_64, x86 and
 * x32, arguments checked for socket, personality and clone, clone3 refused with ENOSYS, and EPERM
 * for the rest. The resource docker-default-amd64.json holds that resolved profile.
 */
class DockerProfileTest {
    private static final Seccomp DOCKER = Profiles.fromResource("docker-default-amd64.json");
    private static final int EPERM = errno(1);

    @Test
    void compilesWithinTheKernelLimit() {
        SeccompProgram program = SeccompCompiler.compile(DOCKER);
        assertTrue(program.instructionCount() < 1500, program.toString());
        assertEquals(0, program.flags());
    }

    @Test
    void allowsWhatDockerAllowsAndRefusesTheRest() {
        BpfInterpreter filter = new BpfInterpreter(SeccompCompiler.compile(DOCKER).sockFilters());
        for (String name : DOCKER.syscalls().getFirst().names()) {
            if (Abi.X86_64.number(name) >= 0) {
                assertEquals(ALLOW, filter.run(X86_64, Abi.X86_64.number(name)).action(), name);
            }
            if (Abi.I386.number(name) >= 0) {
                assertEquals(ALLOW, filter.run(I386, Abi.I386.number(name)).action(), "i386 " + name);
            }
            if (Abi.X32.number(name) >= 0) {
                assertEquals(ALLOW, filter.run(X86_64, Abi.X32.number(name)).action(), "x32 " + name);
            }
        }
        for (String refused : new String[] {"mount", "unshare", "setns", "reboot", "init_module", "bpf", "kexec_load",
            "open_by_handle_at"}) {
            assertEquals(EPERM, filter.run(X86_64, Abi.X86_64.number(refused)).action(), refused);
        }
        assertEquals(EPERM, filter.run(X86_64, 1000).action(), "a number no kernel has yet");
        assertEquals(KILL_THREAD, filter.run(0xC00000B7, 0).action(), "aarch64");
    }

    @Test
    void checksTheArgumentsDockerChecks() {
        BpfInterpreter filter = new BpfInterpreter(SeccompCompiler.compile(DOCKER).sockFilters());
        int socket = Abi.X86_64.number("socket");
        assertEquals(ALLOW, filter.run(X86_64, socket, 2).action(), "AF_INET");
        assertEquals(EPERM, filter.run(X86_64, socket, 40).action(), "AF_VSOCK");
        assertEquals(EPERM, filter.run(I386, Abi.I386.number("socket"), 40).action(), "i386 AF_VSOCK");
        int personality = Abi.X86_64.number("personality");
        for (long allowed : new long[] {0, 8, 0x20000, 0x20008, 0xFFFF_FFFFL}) {
            assertEquals(ALLOW, filter.run(X86_64, personality, allowed).action(), "personality " + allowed);
        }
        assertEquals(EPERM, filter.run(X86_64, personality, 0x0040000).action(), "ADDR_NO_RANDOMIZE");
        assertEquals(EPERM, filter.run(X86_64, personality, -1L).action(), "x86_64 compares 64 bits");
        assertEquals(ALLOW, filter.run(I386, Abi.I386.number("personality"), -1L).action(), "i386: low 32 bits");
        int clone = Abi.X86_64.number("clone");
        assertEquals(ALLOW, filter.run(X86_64, clone, 0x3D0F00).action(), "threads");
        assertEquals(EPERM, filter.run(X86_64, clone, 0x10000011).action(), "CLONE_NEWUSER");
        assertEquals(errno(38), filter.run(X86_64, Abi.X86_64.number("clone3")).action(), "clone3: ENOSYS");
        assertEquals(errno(38), filter.run(X86_64, X32_BIT | Abi.X86_64.number("clone3")).action(), "x32 clone3");
    }

    @Test
    void findsAnySyscallInAFewInstructions() {
        BpfInterpreter filter = new BpfInterpreter(SeccompCompiler.compile(DOCKER).sockFilters());
        for (Abi abi : new Abi[] {Abi.X86_64, Abi.I386}) {
            int arch = abi == Abi.I386 ? I386 : X86_64;
            for (int nr = 0; nr < 600; nr++) {
                // The architecture test, a binary search over ~200 ranges, a far-jump hop or two, the
                // return; syscalls with argument rules add 4 instructions per rule tried.
                int rules = nr == abi.number("personality") ? 5
                        : nr == abi.number("clone") || nr == abi.number("socket") ? 1 : 0;
                int steps = filter.run(arch, nr, 2).steps();
                assertTrue(steps <= 16 + 4 * rules, abi + " syscall " + nr + " took " + steps + " instructions");
            }
        }
    }
}
