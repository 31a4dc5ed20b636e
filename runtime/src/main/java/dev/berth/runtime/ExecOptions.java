package dev.berth.runtime;

import java.nio.file.Path;

/**
 * Flags of `exec` that are not in the process itself.
 *
 * @param detach      return once the process runs instead of waiting for it
 * @param pidFile     where to write its host PID, or null
 * @param preserveFds how many fds after stdio (3, 4, ...) the process inherits
 * @param consoleSocket where to send the pty master when the process has a terminal, or null
 */
public record ExecOptions(boolean detach, Path pidFile, int preserveFds, Path consoleSocket) {
    public static final ExecOptions DEFAULT = new ExecOptions(false, null, 0, null);
}
