package dev.berth.cli;

import dev.berth.runtime.RuntimeFailure;

/**
 * A failed verb whose exit code is not runc's usual 1: `exec` exits 255 when the exec itself
 * failed (runc 1.1, opencontainers/runc#3073), so that callers can tell that from the process
 * exiting 1. {@link Main} reports it like any other failure and exits with {@link #exitCode}.
 */
final class ExitCodeFailure extends RuntimeFailure {
    private final int exitCode;

    ExitCodeFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
