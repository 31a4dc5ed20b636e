package dev.berth.runtime.config;

import dev.berth.cgroups.Resources;
import dev.berth.runtime.seccomp.SeccompProgram;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A container's configuration after validation: every path absolute, every name resolved to a
 * number, every option parsed into flags. The plan builder reads only this, never JSON.
 *
 * @param rootfs           absolute host path of the root filesystem
 * @param rootPropagation  mount flags applied to "/" recursively before anything is mounted
 * @param cgroupsPath      as given in config.json (absolute or relative), never null
 * @param hostname         null when not set
 * @param domainname       null when not set
 * @param personality      null when not set
 * @param timeOffsets      offsets of the new time namespace, empty when none
 */
public record ContainerConfig(
        Path bundle,
        Path rootfs,
        boolean readonlyRootfs,
        long rootPropagation,
        List<NamespaceConfig> namespaces,
        List<MountConfig> mounts,
        List<DeviceConfig> devices,
        List<String> maskedPaths,
        List<String> readonlyPaths,
        String hostname,
        String domainname,
        Map<String, String> sysctl,
        ProcessConfig process,
        String cgroupsPath,
        Resources resources,
        Map<String, String> annotations,
        HookSet hooks,
        List<IdMap> uidMappings,
        List<IdMap> gidMappings,
        SeccompProgram seccomp,
        Personality personality,
        List<TimeOffset> timeOffsets) {

    /** personality(2): {@code persona} is the domain (PER_LINUX 0, PER_LINUX32 8) with its flags. */
    public record Personality(String domain, long persona) {
    }

    /** One line of /proc/PID/timens_offsets (time_namespaces(7)): clock "monotonic" or "boottime". */
    public record TimeOffset(String clock, long secs, long nanosecs) {
    }

    public boolean createsNamespace(NamespaceKind kind) {
        return namespaces.stream().anyMatch(n -> n.kind() == kind && n.path() == null);
    }

    public boolean hasNamespace(NamespaceKind kind) {
        return namespaces.stream().anyMatch(n -> n.kind() == kind);
    }
}
