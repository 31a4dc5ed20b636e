package dev.berth.runtime;

import dev.berth.linux.Fd;
import dev.berth.linux.Processes;
import dev.berth.linux.Signals;
import dev.berth.linux.SocketPair;
import dev.berth.linux.Spawn;
import dev.berth.linux.SyscallException;
import dev.berth.linux.WaitStatus;
import dev.berth.runtime.config.HookConfig;
import dev.berth.runtime.config.NamespaceConfig;
import dev.berth.runtime.config.NamespaceKind;
import dev.berth.runtime.plan.LaunchPlan;
import dev.berth.runtime.plan.Step;
import dev.berth.runtime.plan.Steps;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs lifecycle hooks (config.md "POSIX-platform Hooks", runtime.md "Lifecycle"): each gets the
 * container's state JSON on stdin, its own args and env, and is killed after its timeout. Hooks of
 * the runtime namespace are spawned directly; hooks of the container namespace are spawned through
 * berth-launcher with a plan that joins the container's namespaces and execs the hook, because
 * the JVM itself can never enter them.
 */
final class HookRunner {
    private HookRunner() {
    }

    /** Thrown when a hook fails; the message names the phase, the hook and how it failed. */
    static final class HookFailure extends RuntimeFailure {
        HookFailure(String message) {
            super(message);
        }
    }

    /** Runs {@code hooks} in order in berth's own namespaces; the first failure is thrown. */
    static void runInRuntimeNamespace(String phase, List<HookConfig> hooks, String state) {
        for (HookConfig hook : hooks) {
            SocketPair stdin = SocketPair.create();
            int pid;
            try {
                pid = Spawn.spawn(Path.of(hook.path()), argv(hook), hook.env(), Map.of(0, stdin.childEnd()));
            } catch (SyscallException e) {
                stdin.close();
                throw new HookFailure(phase + " hook " + hook.path() + ": " + e.getMessage());
            }
            stdin.childEnd().close();
            feedAndWait(phase, hook, pid, stdin.parentEnd(), state);
        }
    }

    /**
     * Runs {@code hooks} in order in the namespaces of process {@code pid} (all that differ from
     * berth's, but pid and user: joining a pid namespace only affects children, and the hook must
     * stay our child so that we see its exit status).
     */
    static void runInContainerNamespace(String phase, List<HookConfig> hooks, String state, int pid) {
        for (HookConfig hook : hooks) {
            List<Step> steps = new ArrayList<>(joinSteps(pid));
            steps.add(Steps.findExec(List.of(hook.path())));
            steps.add(Steps.exec(argv(hook), hook.env()));
            LaunchPlan plan = new LaunchPlan(steps);
            SocketPair stdin = SocketPair.create();
            try (Launch launch = Launch.spawn(Launcher.path(), plan, Map.of(0, stdin.childEnd()), 3)) {
                stdin.childEnd().close();
                int hookPid;
                try {
                    hookPid = launch.awaitExecOfLauncher();
                } catch (RuntimeFailure e) {
                    stdin.close();
                    throw new HookFailure(phase + " hook " + hook.path() + ": " + e.getMessage());
                }
                launch.forgetLauncher(feedAndWait(phase, hook, hookPid, stdin.parentEnd(), state));
            }
        }
    }

    private static List<Step> joinSteps(int pid) {
        List<Step> steps = new ArrayList<>();
        for (NamespaceConfig ns : ContainerExec.namespacesToJoin(pid)) {
            if (ns.kind() != NamespaceKind.PID && ns.kind() != NamespaceKind.USER) {
                steps.add(Steps.setns(ns.path(), ns.kind().cloneFlag()));
            }
        }
        return steps;
    }

    private static List<String> argv(HookConfig hook) {
        return hook.args().isEmpty() ? List.of(hook.path()) : hook.args();
    }

    /** Writes the state to the hook's stdin, then waits for it, at most its timeout. */
    private static WaitStatus feedAndWait(String phase, HookConfig hook, int pid, Fd stdin, String state) {
        try (stdin) {
            stdin.write(state.getBytes(StandardCharsets.UTF_8));
        } catch (SyscallException e) {
            // EPIPE: the hook does not read its stdin, which it is free not to do.
        }
        WaitStatus status = waitWithTimeout(pid, hook.timeoutSeconds());
        if (status == null) {
            Processes.kill(pid, Signals.SIGKILL);
            Processes.waitpid(pid, false);
            throw new HookFailure(phase + " hook " + hook.path() + " timed out after " + hook.timeoutSeconds() + " s");
        }
        if (!status.exited() || status.exitCode() != 0) {
            throw new HookFailure(phase + " hook " + hook.path() + " failed: "
                    + (status.exited() ? "exit status " + status.exitCode() : "killed by " + Signals.name(status.signal())));
        }
        return status;
    }

    /** The hook's status, or null if it still runs after {@code timeoutSeconds}. */
    private static WaitStatus waitWithTimeout(int pid, Integer timeoutSeconds) {
        if (timeoutSeconds == null) {
            return Processes.waitpid(pid, false);
        }
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        long pause = 1;
        while (true) {
            WaitStatus status = Processes.waitpid(pid, true);
            if (status != null || System.nanoTime() > deadline) {
                return status;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            pause = Math.min(pause * 2, 50);
        }
    }

    /** The state a hook reads on stdin (runtime.md, "State"). */
    static String stateJson(String id, ContainerStatus status, int pid, String bundle, Map<String, String> annotations) {
        StringBuilder json = new StringBuilder("{\"ociVersion\":\"").append(ContainerRuntime.OCI_VERSION)
                .append("\",\"id\":").append(quote(id)).append(",\"status\":\"").append(status.word())
                .append("\",\"pid\":").append(pid).append(",\"bundle\":").append(quote(bundle))
                .append(",\"annotations\":{");
        String separator = "";
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            json.append(separator).append(quote(e.getKey())).append(':').append(quote(e.getValue()));
            separator = ",";
        }
        return json.append("}}").toString();
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
