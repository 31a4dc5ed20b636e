package dev.berth.cgroups;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Validation of an OCI {@code cgroupsPath} and its placement in a hierarchy, as runc does it. */
final class CgroupPaths {
    private CgroupPaths() {}

    /**
     * The path's components, after rejecting what berth must not follow: ".." (it could climb out
     * of the hierarchy or above the caller's cgroup), "." (meaningless), the hierarchy root itself,
     * and systemd's "slice:prefix:name" form, which only a systemd driver can interpret.
     */
    static List<String> components(String cgroupsPath) {
        if (cgroupsPath == null || cgroupsPath.isBlank()) {
            throw new CgroupException("cgroup: cgroupsPath is empty");
        }
        if (isSystemdSyntax(cgroupsPath)) {
            throw new CgroupException("cgroup: cgroupsPath \"" + cgroupsPath + "\" uses the systemd"
                    + " slice:prefix:name syntax; the systemd cgroup driver is not supported yet");
        }
        List<String> parts = new ArrayList<>();
        for (String part : cgroupsPath.split("/")) {
            if (part.equals("..") || part.equals(".")) {
                throw new CgroupException("cgroup: cgroupsPath \"" + cgroupsPath
                        + "\" has a \"" + part + "\" component");
            }
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            throw new CgroupException("cgroup: cgroupsPath \"" + cgroupsPath
                    + "\" names the hierarchy root; a container needs a cgroup of its own");
        }
        return List.copyOf(parts);
    }

    /** runc's systemd form: exactly three ':'-separated fields and no '/'. */
    private static boolean isSystemdSyntax(String path) {
        return !path.contains("/") && path.split(":", -1).length == 3;
    }

    /**
     * The directory of {@code cgroupsPath} in the hierarchy mounted at {@code mount}: below the
     * mount for an absolute path, below the caller's own cgroup ({@code ownCgroup}, relative to
     * the mount, null meaning "/") for a relative one.
     */
    static Path resolve(Path mount, String ownCgroup, String cgroupsPath) {
        Path dir = mount;
        if (!cgroupsPath.startsWith("/") && ownCgroup != null) {
            for (String part : ownCgroup.split("/")) {
                if (part.equals("..")) {
                    // /proc/self/cgroup shows "/.." when our cgroup is outside our cgroup namespace.
                    throw new CgroupException("cgroup: cannot place relative cgroupsPath \""
                            + cgroupsPath + "\": own cgroup \"" + ownCgroup + "\" in " + mount
                            + " is outside this cgroup namespace");
                }
                if (!part.isEmpty()) {
                    dir = dir.resolve(part);
                }
            }
        }
        for (String part : components(cgroupsPath)) {
            dir = dir.resolve(part);
        }
        return dir;
    }
}
