package dev.berth.spec;

import java.util.List;

/**
 * Lifecycle hooks (config.md "POSIX-platform Hooks"), each list run in order at its point of the
 * lifecycle. {@code prestart} is deprecated by the spec but still honoured by runc.
 */
public record Hooks(
        List<Hook> prestart,
        List<Hook> createRuntime,
        List<Hook> createContainer,
        List<Hook> startContainer,
        List<Hook> poststart,
        List<Hook> poststop) {

    /**
     * One hook command.
     *
     * @param path absolute path of the executable (execv(3) semantics)
     * @param args argv, including argv[0]
     * @param env environment, KEY=value
     * @param timeout seconds before the hook is aborted; MUST be greater than zero when set
     */
    public record Hook(String path, List<String> args, List<String> env, Integer timeout) {
    }
}
