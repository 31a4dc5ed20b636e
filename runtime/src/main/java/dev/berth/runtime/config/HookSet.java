package dev.berth.runtime.config;

import java.util.List;

/** The hooks of a container by the point of the lifecycle they run at (runtime.md, "Lifecycle"). */
public record HookSet(
        List<HookConfig> prestart,
        List<HookConfig> createRuntime,
        List<HookConfig> createContainer,
        List<HookConfig> startContainer,
        List<HookConfig> poststart,
        List<HookConfig> poststop) {

    public static final HookSet NONE = new HookSet(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

    /** Whether the init must stop before pivot_root so that create-time hooks can run. */
    public boolean hasCreateHooks() {
        return !prestart.isEmpty() || !createRuntime.isEmpty() || !createContainer.isEmpty();
    }
}
