package dev.berth.runtime.seccomp;

import dev.berth.spec.Seccomp;

/**
 * Compiles an OCI seccomp profile (config-linux.md "Seccomp") into the classic BPF program that
 * seccomp(2) installs, as libseccomp would for runc or crun, without libseccomp.
 *
 * <p>What the filter does:
 * <ul>
 *   <li>It covers x86_64 always, and x86 (i386) and x32 when {@code architectures} lists them;
 *       a syscall of any other ABI gets SECCOMP_RET_KILL_THREAD, libseccomp's default
 *       bad-architecture action. Other listed architectures cannot run on an x86_64 kernel and
 *       are left out.</li>
 *   <li>A rule's argument conditions must all hold. Values are 64 bits on x86_64 (compared as
 *       high and low halves); on x86 and x32 only the low 32 bits count, as in libseccomp.</li>
 *   <li>An unconditional rule decides its syscall outright (libseccomp drops conditional rules
 *       beside it, and keeps the first of two unconditional ones); conditional rules are tried in
 *       profile order; a syscall no rule decides gets {@code defaultAction}. Rules whose action
 *       is the default action are skipped, as runc does (libseccomp refuses them).</li>
 *   <li>A syscall name unknown on the covered ABIs but known elsewhere (another x86 ABI, or
 *       another architecture, like {@code send} in Docker's profile) is skipped; a name no
 *       architecture knows is an error.</li>
 *   <li>SCMP_ACT_ERRNO and SCMP_ACT_TRACE carry {@code errnoRet} (default EPERM).
 *       SCMP_ACT_NOTIFY is not supported yet.</li>
 * </ul>
 *
 * <p>Installing the program needs no_new_privs or CAP_SYS_ADMIN (seccomp(2)); see
 * {@code Steps.seccomp}.
 */
public final class SeccompCompiler {
    private SeccompCompiler() {
    }

    /**
     * @throws SeccompException naming the field, e.g. {@code linux.seccomp.syscalls[3].names[0]:
     *                          unknown syscall "mkdirx"}, or if the program would exceed the
     *                          kernel's 4096 instructions
     */
    public static SeccompProgram compile(Seccomp profile) {
        FilterPolicy policy = ProfileReader.read(profile);
        return new SeccompProgram(FilterGenerator.generate(policy), policy.flags(), profile.listenerPath(),
                profile.listenerMetadata());
    }
}
