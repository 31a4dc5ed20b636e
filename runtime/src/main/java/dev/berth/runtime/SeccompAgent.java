package dev.berth.runtime;

import dev.berth.linux.Fd;
import dev.berth.linux.UnixSocket;
import dev.berth.runtime.seccomp.SeccompProgram;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Hands the seccomp user-notification listener to the agent at linux.seccomp.listenerPath, as
 * config-linux.md describes: one message whose payload is the container process state JSON
 * ({"ociVersion", "fds": ["seccompFd"], "pid", "metadata", "state"}) with the fd attached.
 */
final class SeccompAgent {
    private SeccompAgent() {
    }

    static void send(SeccompProgram program, Fd listener, String id, ContainerStatus status, int pid, String bundle,
                     Map<String, String> annotations) {
        String state = HookRunner.stateJson(id, status, pid, bundle, annotations);
        String message = "{\"ociVersion\":\"" + ContainerRuntime.OCI_VERSION + "\",\"fds\":[\"seccompFd\"],\"pid\":" + pid
                + (program.listenerMetadata() == null ? "" : ",\"metadata\":" + HookRunner.quote(program.listenerMetadata()))
                + ",\"state\":" + state + "}";
        try (Fd agent = UnixSocket.connect(Path.of(program.listenerPath()))) {
            UnixSocket.sendFd(agent, message.getBytes(StandardCharsets.UTF_8), listener);
        } catch (RuntimeException e) {
            throw new RuntimeFailure("linux.seccomp.listenerPath: send the seccomp listener to "
                    + program.listenerPath() + ": " + e.getMessage(), e);
        }
    }
}
