package dev.berth.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code berth features} prints: the runtime-spec "Features structure" (features.md,
 * features-linux.md), in the layout of {@code runc features}. It states what berth implements,
 * independently of what this host's kernel offers.
 */
public final class Features {

    /** berth's version, also published as the "dev.berth.version" annotation. */
    public static final String BERTH_VERSION = "0.1.0";

    private static final List<String> HOOKS =
            List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop");

    private Features() {
    }

    /** The features document as pretty JSON. */
    public static String json() {
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("ociVersionMin", "1.0.0");
        features.put("ociVersionMax", DefaultSpec.OCI_VERSION);
        features.put("hooks", HOOKS);
        features.put("mountOptions", supportedMountOptions());
        features.put("linux", linux());
        features.put("annotations", Map.of("dev.berth.version", BERTH_VERSION));
        return SpecWriter.write(features);
    }

    private static Map<String, Object> linux() {
        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("namespaces", NamespaceType.specNames());
        linux.put("capabilities", Capability.all());
        Map<String, Object> cgroup = new LinkedHashMap<>();
        cgroup.put("v1", true);
        cgroup.put("v2", true);
        cgroup.put("systemd", false);
        cgroup.put("systemdUser", false);
        cgroup.put("rdma", false);
        linux.put("cgroup", cgroup);
        linux.put("seccomp", seccomp());
        linux.put("apparmor", disabled());
        linux.put("selinux", disabled());
        linux.put("intelRdt", disabled());
        linux.put("mountExtensions", Map.of("idmap", disabled()));
        return linux;
    }

    /**
     * The recursive attributes ("rro", "rnosuid", ...) need mount_setattr(2), which berth's
     * launcher does not make yet, so a config using them is refused and they are not listed.
     */
    private static List<String> supportedMountOptions() {
        List<String> supported = new java.util.ArrayList<>();
        for (String option : MountOptions.known()) {
            if (!MountOptions.parse(List.of(option)).hasRecursiveAttributes()) {
                supported.add(option);
            }
        }
        return supported;
    }

    /** What berth's own seccomp compiler (runtime module) understands. */
    private static Map<String, Object> seccomp() {
        Map<String, Object> seccomp = new LinkedHashMap<>();
        seccomp.put("enabled", true);
        seccomp.put("actions", List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"));
        seccomp.put("operators", List.of("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
                "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"));
        seccomp.put("archs", List.of("SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"));
        seccomp.put("knownFlags", List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                "SECCOMP_FILTER_FLAG_LOG"));
        seccomp.put("supportedFlags", List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                "SECCOMP_FILTER_FLAG_LOG"));
        return seccomp;
    }

    private static Map<String, Object> disabled() {
        return Map.of("enabled", false);
    }
}
