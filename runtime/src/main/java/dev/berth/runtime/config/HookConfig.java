package dev.berth.runtime.config;

import java.util.List;

/**
 * One hook of config.json (config.md, "POSIX-platform Hooks").
 *
 * @param args           argv, args[0] included (execv(3) semantics); at least the path
 * @param timeoutSeconds null for none
 */
public record HookConfig(String path, List<String> args, List<String> env, Integer timeoutSeconds) {
}
