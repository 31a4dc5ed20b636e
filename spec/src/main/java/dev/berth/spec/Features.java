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
        features.put("mountOptions", MountOptions.known());
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
        linux.put("seccomp", disabled());
        linux.put("apparmor", disabled());
        linux.put("selinux", disabled());
        linux.put("intelRdt", disabled());
        linux.put("mountExtensions", Map.of("idmap", disabled()));
        return linux;
    }

    private static Map<String, Object> disabled() {
        return Map.of("enabled", false);
    }
}
