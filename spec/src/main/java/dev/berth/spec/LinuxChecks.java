package dev.berth.spec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The checks of {@link SpecValidator} for the {@code linux} section (config-linux.md). */
final class LinuxChecks {

    private static final Set<String> DEVICE_TYPES = Set.of("c", "b", "u", "p");

    private static final Set<String> ROOTFS_PROPAGATIONS = Set.of(
            "private", "rprivate", "slave", "rslave", "shared", "rshared", "unbindable", "runbindable");

    private static final Set<String> TIME_NAMESPACE_CLOCKS = Set.of("monotonic", "boottime");

    /** IPC namespace sysctls, as runc lists them (ipc_namespaces(7) plus fs.mqueue.*). */
    private static final Set<String> IPC_SYSCTLS = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
            "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");

    private LinuxChecks() {
    }

    static void check(Linux linux, Problems problems) {
        if (linux == null) {
            return;
        }
        checkNamespaces(linux.namespaces(), problems);
        checkUserNamespace(linux, problems);
        checkTimeOffsets(linux, problems);
        checkDevices(linux.devices(), problems);
        ResourceChecks.check(linux.resources(), problems);
        SeccompChecks.check(linux.seccomp(), problems);
        checkRootfsPropagation(linux.rootfsPropagation(), problems);
        checkMaskedAndReadonly(linux, problems);
        checkSysctl(linux, problems);
        checkPersonality(linux.personality(), problems);
        checkIntelRdt(linux.intelRdt(), problems);
    }

    /** config-linux.md: a known type; path MUST be absolute; duplicated types MUST be an error. */
    private static void checkNamespaces(List<Linux.Namespace> namespaces, Problems problems) {
        if (namespaces == null) {
            return;
        }
        Map<String, String> firstSeen = new HashMap<>();
        for (int i = 0; i < namespaces.size(); i++) {
            String at = Problems.at("linux.namespaces", i);
            Linux.Namespace namespace = namespaces.get(i);
            if (!problems.required(at, namespace) || !problems.required(at + ".type", namespace.type())) {
                continue;
            }
            String type = namespace.type();
            if (NamespaceType.bySpecName(type).isEmpty()) {
                problems.add(at + ".type", "unknown namespace type " + JsonText.quote(type)
                        + " (known: " + String.join(", ", NamespaceType.specNames()) + ")");
            } else if (firstSeen.containsKey(type)) {
                problems.add(at + ".type", "duplicate " + type + " namespace (also at " + firstSeen.get(type) + ")");
            } else {
                firstSeen.put(type, at);
            }
            problems.absolutePath(at + ".path", namespace.path());
        }
    }

    /**
     * runc's user namespace rules: mappings without a user namespace would be silently unused,
     * and a new user namespace without mappings leaves every id unmapped (nobody/nogroup) so
     * setuid/setgid in the container fail.
     */
    private static void checkUserNamespace(Linux linux, Problems problems) {
        SpecValidator.checkIdMappings("linux.uidMappings", linux.uidMappings(), problems);
        SpecValidator.checkIdMappings("linux.gidMappings", linux.gidMappings(), problems);
        boolean hasUidMappings = linux.uidMappings() != null && !linux.uidMappings().isEmpty();
        boolean hasGidMappings = linux.gidMappings() != null && !linux.gidMappings().isEmpty();
        var user = linux.namespace("user");
        if (user.isEmpty()) {
            if (hasUidMappings || hasGidMappings) {
                problems.add(hasUidMappings ? "linux.uidMappings" : "linux.gidMappings",
                        "is set but linux.namespaces has no user namespace");
            }
            return;
        }
        boolean creates = user.get().path() == null || user.get().path().isEmpty();
        if (creates && !hasUidMappings) {
            problems.add("linux.uidMappings", "is required when a new user namespace is created");
        }
        if (creates && !hasGidMappings) {
            problems.add("linux.gidMappings", "is required when a new user namespace is created");
        }
    }

    /**
     * time_namespaces(7): offsets exist for CLOCK_MONOTONIC and CLOCK_BOOTTIME only, can only be
     * written before any process enters the namespace (so not for a joined one), and the
     * nanoseconds must be below one second.
     */
    private static void checkTimeOffsets(Linux linux, Problems problems) {
        Map<String, Linux.TimeOffset> offsets = linux.timeOffsets();
        if (offsets == null || offsets.isEmpty()) {
            return;
        }
        var time = linux.namespace("time");
        if (time.isEmpty()) {
            problems.add("linux.timeOffsets", "is set but linux.namespaces has no time namespace");
        } else if (time.get().path() != null && !time.get().path().isEmpty()) {
            problems.add("linux.timeOffsets", "cannot be applied to a time namespace that is joined by path");
        }
        for (Map.Entry<String, Linux.TimeOffset> entry : offsets.entrySet()) {
            String at = Problems.key("linux.timeOffsets", entry.getKey());
            if (!TIME_NAMESPACE_CLOCKS.contains(entry.getKey())) {
                problems.add(at, "unknown clock (time namespaces offset \"monotonic\" and \"boottime\" only)");
            }
            Linux.TimeOffset offset = entry.getValue();
            if (offset != null && offset.nanosecs() != null && offset.nanosecs() >= 1_000_000_000L) {
                problems.add(at + ".nanosecs", "must be less than 1000000000, got " + offset.nanosecs());
            }
        }
    }

    /** config-linux.md "Devices": type c, b, u or p; path REQUIRED; major/minor unless type p. */
    private static void checkDevices(List<Linux.Device> devices, Problems problems) {
        if (devices == null) {
            return;
        }
        for (int i = 0; i < devices.size(); i++) {
            String at = Problems.at("linux.devices", i);
            Linux.Device device = devices.get(i);
            if (!problems.required(at, device)) {
                continue;
            }
            if (problems.required(at + ".path", device.path())) {
                problems.absolutePath(at + ".path", device.path());
            }
            String type = device.type();
            if (problems.required(at + ".type", type) && !DEVICE_TYPES.contains(type)) {
                problems.add(at + ".type", "must be c, b, u or p, got " + JsonText.quote(type));
            }
            if (!"p".equals(type)) {
                problems.required(at + ".major", device.major());
                problems.required(at + ".minor", device.minor());
            }
        }
    }

    private static void checkRootfsPropagation(String propagation, Problems problems) {
        if (propagation != null && !ROOTFS_PROPAGATIONS.contains(propagation)) {
            problems.add("linux.rootfsPropagation", "must be one of [r]private, [r]slave, [r]shared, [r]unbindable, got "
                    + JsonText.quote(propagation));
        }
    }

    /**
     * config-linux.md: the values MUST be absolute; runc also refuses them without a mount
     * namespace, where masking would cover the host's own /proc and /sys.
     */
    private static void checkMaskedAndReadonly(Linux linux, Problems problems) {
        List<String> masked = SpecValidator.emptyIfNull(linux.maskedPaths());
        List<String> readonly = SpecValidator.emptyIfNull(linux.readonlyPaths());
        for (int i = 0; i < masked.size(); i++) {
            if (problems.required(Problems.at("linux.maskedPaths", i), masked.get(i))) {
                problems.absolutePath(Problems.at("linux.maskedPaths", i), masked.get(i));
            }
        }
        for (int i = 0; i < readonly.size(); i++) {
            if (problems.required(Problems.at("linux.readonlyPaths", i), readonly.get(i))) {
                problems.absolutePath(Problems.at("linux.readonlyPaths", i), readonly.get(i));
            }
        }
        if ((!masked.isEmpty() || !readonly.isEmpty()) && !linux.hasNamespace("mount")) {
            problems.add(masked.isEmpty() ? "linux.readonlyPaths" : "linux.maskedPaths",
                    "needs a mount namespace (without one it would change the host's mounts)");
        }
    }

    /**
     * runc's sysctl rule: only sysctls that belong to a namespace the container has of its own
     * may be set, or the write would change the host (net.* needs a network namespace, the IPC
     * ones an IPC namespace, kernel.domainname a UTS namespace; kernel.hostname must go through
     * the hostname field).
     */
    private static void checkSysctl(Linux linux, Problems problems) {
        if (linux.sysctl() == null) {
            return;
        }
        for (Map.Entry<String, String> entry : linux.sysctl().entrySet()) {
            String key = entry.getKey();
            if (key.isEmpty()) {
                problems.add("linux.sysctl", "keys must not be empty");
                continue;
            }
            String at = Problems.key("linux.sysctl", key);
            if (entry.getValue() == null) {
                problems.add(at, "must be a string, got null");
            }
            if (key.contains("..") || key.startsWith(".") || key.startsWith("/")) {
                problems.add(at, "is not a sysctl name");
                continue;
            }
            String why = sysctlNamespaceProblem(key.replace('/', '.'), linux);
            if (why != null) {
                problems.add(at, why);
            }
        }
    }

    private static String sysctlNamespaceProblem(String name, Linux linux) {
        if (IPC_SYSCTLS.contains(name) || name.startsWith("fs.mqueue.")) {
            return linux.hasNamespace("ipc") ? null : "needs an ipc namespace (it would change the host's value)";
        }
        if (name.startsWith("net.")) {
            return linux.hasNamespace("network") ? null : "needs a network namespace (it would change the host's value)";
        }
        if (name.equals("kernel.domainname")) {
            return linux.hasNamespace("uts") ? null : "needs a uts namespace (it would change the host's value)";
        }
        if (name.equals("kernel.hostname")) {
            return "is not allowed: set the hostname field instead";
        }
        return "is not namespaced (it would change the host's value)";
    }

    /** config-linux.md "Personality": domain is REQUIRED, LINUX or LINUX32. */
    private static void checkPersonality(Linux.Personality personality, Problems problems) {
        if (personality == null) {
            return;
        }
        String domain = personality.domain();
        if (problems.required("linux.personality.domain", domain) && !domain.equals("LINUX") && !domain.equals("LINUX32")) {
            problems.add("linux.personality.domain", "must be LINUX or LINUX32, got " + JsonText.quote(domain));
        }
    }

    /** config-linux.md "IntelRdt": memBwSchema MUST start with "MB:" and MUST NOT contain newlines. */
    private static void checkIntelRdt(Linux.IntelRdt rdt, Problems problems) {
        if (rdt == null || rdt.memBwSchema() == null) {
            return;
        }
        if (!rdt.memBwSchema().startsWith("MB:") || rdt.memBwSchema().contains("\n")) {
            problems.add("linux.intelRdt.memBwSchema", "must start with \"MB:\" and be a single line, got "
                    + JsonText.quote(rdt.memBwSchema()));
        }
    }
}
