package dev.berth.linux;

/**
 * How a child ended, as decoded from waitpid(2)'s status word.
 *
 * @param pid      the child that was reaped
 * @param exited   it called exit(2) (WIFEXITED)
 * @param exitCode its exit status, 0..255, if {@code exited}
 * @param signaled a signal killed it (WIFSIGNALED)
 * @param signal   that signal, if {@code signaled}
 */
public record WaitStatus(int pid, boolean exited, int exitCode, boolean signaled, int signal) {

    /** The shell's {@code $?}: the exit code, or 128 + the signal number (143 for SIGTERM). */
    public int shellCode() {
        return exited ? exitCode : 128 + signal;
    }

    /**
     * Decodes the status word per glibc's {@code bits/waitstatus.h}: the low 7 bits hold the
     * terminating signal (0 for a normal exit), bits 8..15 the exit code.
     */
    static WaitStatus decode(int pid, int status) {
        int termSignal = status & 0x7f;
        if (termSignal == 0) return new WaitStatus(pid, true, (status >> 8) & 0xff, false, 0);
        // 0x7f marks a stopped child, reported only with WUNTRACED, which is never passed here.
        return new WaitStatus(pid, false, 0, true, termSignal);
    }

    @Override
    public String toString() {
        return exited
                ? "pid " + pid + " exited with " + exitCode
                : "pid " + pid + " killed by " + Signals.name(signal);
    }
}
