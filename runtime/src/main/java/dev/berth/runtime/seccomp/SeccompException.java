package dev.berth.runtime.seccomp;

/**
 * A seccomp profile that cannot be turned into a filter. The message names the field, as in
 * {@code linux.seccomp.syscalls[3].names[0]: unknown syscall "mkdirx"}.
 */
public final class SeccompException extends RuntimeException {
    public SeccompException(String message) {
        super(message);
    }
}
