package dev.berth.runtime;

import java.nio.file.Path;

/**
 * Flags of `create` and `run` that are not in config.json.
 *
 * @param pidFile       where to write the container's host PID, or null
 * @param consoleSocket unix socket to receive the pty master (process.terminal), or null
 * @param noPivot       use MS_MOVE + chroot instead of pivot_root (for ramfs roots)
 * @param preserveFds   how many fds after stdio (3, 4, ...) the container inherits
 */
public record CreateOptions(Path pidFile, Path consoleSocket, boolean noPivot, int preserveFds) {
    public static final CreateOptions DEFAULT = new CreateOptions(null, null, false, 0);
}
