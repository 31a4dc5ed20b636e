package dev.berth.runtime.seccomp;

import static dev.berth.runtime.seccomp.Profiles.arg;
import static dev.berth.runtime.seccomp.Profiles.list;
import static dev.berth.runtime.seccomp.Profiles.profile;
import static dev.berth.runtime.seccomp.Profiles.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.spec.Seccomp;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Profiles that cannot be compiled, and the field each error names. */
class SeccompErrorsTest {
    private static void fails(String message, Seccomp profile) {
        SeccompException e = assertThrows(SeccompException.class, () -> SeccompCompiler.compile(profile));
        assertEquals(message, e.getMessage());
    }

    private static Seccomp.Syscall read() {
        return rule("SCMP_ACT_ALLOW", "read");
    }

    @Test
    void unknownSyscallNames() {
        fails("linux.seccomp.syscalls[1].names[1]: unknown syscall \"mkdirx\"",
                profile("SCMP_ACT_ERRNO", read(), rule("SCMP_ACT_ALLOW", null, list("mkdir", "mkdirx"))));
        fails("linux.seccomp.syscalls[0].names[0]: must be a syscall name, not \"\"",
                profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ALLOW", "")));
        fails("linux.seccomp.syscalls[0].names: must contain at least one syscall name",
                profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ALLOW", null, List.of())));
        // A name is checked even when its rule is skipped for having the default action.
        fails("linux.seccomp.syscalls[0].names[0]: unknown syscall \"opne\"",
                profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ERRNO", "opne")));
    }

    @Test
    void unknownActions() {
        fails("linux.seccomp.defaultAction: unknown action \"SCMP_ACT_FOO\"", profile("SCMP_ACT_FOO", read()));
        fails("linux.seccomp.defaultAction: is required", profile(null, read()));
        fails("linux.seccomp.syscalls[1].action: unknown action \"ALLOW\"",
                profile("SCMP_ACT_ERRNO", read(), rule("ALLOW", "write")));
    }

    @Test
    void notifyNeedsAListenerPath() {
        fails("linux.seccomp.listenerPath: is required when SCMP_ACT_NOTIFY is used",
                profile("SCMP_ACT_ALLOW", rule("SCMP_ACT_NOTIFY", "mkdir")));
        fails("linux.seccomp.listenerPath: is required when SCMP_ACT_NOTIFY is used", profile("SCMP_ACT_NOTIFY"));
    }

    @Test
    void errnoRetOnlyWithErrnoAndTrace() {
        fails("linux.seccomp.syscalls[0].errnoRet: can only be set with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, "
                + "not SCMP_ACT_ALLOW", profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ALLOW", 1L, list("read"))));
        fails("linux.seccomp.defaultErrnoRet: can only be set with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, "
                + "not SCMP_ACT_KILL", profile("SCMP_ACT_KILL", 1L, null, read()));
        fails("linux.seccomp.syscalls[0].errnoRet: 65536 does not fit in the 16 bits of SECCOMP_RET_DATA "
                + "(at most 65535)", profile("SCMP_ACT_ALLOW", rule("SCMP_ACT_ERRNO", 65536L, list("mkdir"))));
        fails("linux.seccomp.defaultErrnoRet: 4294967295 does not fit in the 16 bits of SECCOMP_RET_DATA "
                + "(at most 65535)", profile("SCMP_ACT_TRACE", 4294967295L, null));
    }

    @Test
    void badArguments() {
        fails("linux.seccomp.syscalls[1].args[0].op: unknown operator \"SCMP_CMP_XX\" (expected one of "
                        + "SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, "
                        + "SCMP_CMP_MASKED_EQ)",
                profile("SCMP_ACT_ERRNO", read(), rule("SCMP_ACT_ALLOW", "write", arg(0, "SCMP_CMP_XX", 1))));
        fails("linux.seccomp.syscalls[0].args[1].index: must be from 0 to 5, got 6", profile("SCMP_ACT_ERRNO",
                rule("SCMP_ACT_ALLOW", "write", arg(0, "SCMP_CMP_EQ", 1), arg(6, "SCMP_CMP_EQ", 1))));
        fails("linux.seccomp.syscalls[0].args[0].value: is required", profile("SCMP_ACT_ERRNO",
                rule("SCMP_ACT_ALLOW", "write", new Seccomp.Arg(0L, null, null, "SCMP_CMP_EQ"))));
        fails("linux.seccomp.syscalls[0].args[0].op: is required", profile("SCMP_ACT_ERRNO",
                rule("SCMP_ACT_ALLOW", "write", new Seccomp.Arg(0L, 1L, null, null))));
    }

    @Test
    void unknownArchitecturesAndFlags() {
        fails("linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_Z80\"",
                profile("SCMP_ACT_ERRNO", null, list("SCMP_ARCH_X86", "SCMP_ARCH_Z80"), read()));
        // NEW_LISTENER is a kernel flag, but not one a profile may ask for (config-linux.md).
        fails("linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\"", new Seccomp(
                "SCMP_ACT_ALLOW", null, null, list("SECCOMP_FILTER_FLAG_NEW_LISTENER"), null, null, List.of()));
    }

    @Test
    void missingProfileAndNullRule() {
        fails("linux.seccomp: no profile to compile", null);
        fails("linux.seccomp.syscalls[0]: must be an object, not null",
                new Seccomp("SCMP_ACT_ALLOW", null, null, null, null, null, Arrays.asList((Seccomp.Syscall) null)));
    }
}
