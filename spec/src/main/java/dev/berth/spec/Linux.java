package dev.berth.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Linux section of config.json (config-linux.md), components in runc's output order.
 *
 * @param uidMappings uid_map of a new user namespace
 * @param gidMappings gid_map of a new user namespace
 * @param sysctl /proc/sys values to write, keyed by dotted name
 * @param resources cgroup limits
 * @param cgroupsPath where the container's cgroup lives
 * @param namespaces namespaces to create (no path) or join (path)
 * @param devices device nodes to create in the container
 * @param seccomp the seccomp filter
 * @param rootfsPropagation propagation of the root mount: [r]private, [r]slave, [r]shared, [r]unbindable
 * @param maskedPaths paths made unreadable inside the container
 * @param readonlyPaths paths made read-only inside the container
 * @param mountLabel SELinux context of the mounts
 * @param intelRdt Intel RDT (resctrl) settings
 * @param personality personality(2) domain
 * @param timeOffsets offsets of a new time namespace, keyed by clock ("monotonic", "boottime")
 */
public record Linux(
        List<IdMapping> uidMappings,
        List<IdMapping> gidMappings,
        Map<String, String> sysctl,
        LinuxResources resources,
        String cgroupsPath,
        List<Namespace> namespaces,
        List<Device> devices,
        Seccomp seccomp,
        String rootfsPropagation,
        List<String> maskedPaths,
        List<String> readonlyPaths,
        String mountLabel,
        IntelRdt intelRdt,
        Personality personality,
        Map<String, TimeOffset> timeOffsets) {

    /** The entry for namespace {@code type} ("pid", "network", ...), if listed. */
    public Optional<Namespace> namespace(String type) {
        // A loop, not a stream: this runs on every create, and a lambda's first use is slow on a cold JVM.
        if (namespaces != null) {
            for (Namespace namespace : namespaces) {
                if (namespace != null && type.equals(namespace.type())) {
                    return Optional.of(namespace);
                }
            }
        }
        return Optional.empty();
    }

    /** Whether namespace {@code type} is listed, to be created or joined. */
    public boolean hasNamespace(String type) {
        return namespace(type).isPresent();
    }

    /**
     * A namespace to create or join.
     *
     * @param type pid, network, mount, ipc, uts, user, cgroup or time (see {@link NamespaceType})
     * @param path absent: create a new namespace; present: join the namespace at this absolute path
     */
    public record Namespace(String type, String path) {
    }

    /**
     * A device node to make available in the container.
     *
     * @param path absolute path inside the container
     * @param type c (char), b (block), u (unbuffered char) or p (FIFO)
     * @param major major number, REQUIRED unless type is p
     * @param minor minor number, REQUIRED unless type is p
     * @param fileMode permission bits (runc defaults to 0666)
     * @param uid owner in the container's user namespace
     * @param gid group in the container's user namespace
     */
    public record Device(
            String path,
            String type,
            Long major,
            Long minor,
            @Unsigned.Uint32 Long fileMode,
            @Unsigned.Uint32 Long uid,
            @Unsigned.Uint32 Long gid) {
    }

    /** Offset of one clock in a new time namespace (time_namespaces(7)). */
    public record TimeOffset(Long secs, @Unsigned.Uint32 Long nanosecs) {
    }

    /** Intel RDT class of service and schemata for the container's resctrl group. */
    public record IntelRdt(
            String closID,
            String l3CacheSchema,
            String memBwSchema,
            Boolean enableCMT,
            Boolean enableMBM) {
    }

    /**
     * personality(2) settings.
     *
     * @param domain LINUX or LINUX32
     * @param flags none are defined by the spec yet
     */
    public record Personality(String domain, List<String> flags) {
    }
}
