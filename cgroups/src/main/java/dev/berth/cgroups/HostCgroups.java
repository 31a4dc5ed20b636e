package dev.berth.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cgroup mounts (from /proc/self/mountinfo) and the caller's own cgroups (from
 * /proc/self/cgroup), and the driver they call for.
 *
 * @param v1Mounts     v1 controller name to mount point (first mount wins; named hierarchies left out)
 * @param unifiedMount the cgroup2 mount point, or null
 * @param ownCgroups   controller name ("" for cgroup2) to the caller's cgroup, relative to the mount
 *                     point of that hierarchy
 */
record HostCgroups(Map<String, Path> v1Mounts, Path unifiedMount, Map<String, String> ownCgroups) {

    /** The v1 controllers of cgroup-v1; any other super option (rw, xattr, name=...) is not one. */
    private static final Set<String> V1_CONTROLLERS = Set.of("cpu", "cpuacct", "cpuset", "memory",
            "devices", "freezer", "net_cls", "net_prio", "blkio", "perf_event", "hugetlb", "pids",
            "rdma", "misc");

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final Path OWN_CGROUPS = Path.of("/proc/self/cgroup");
    /** Where systemd and every distribution mount cgroup2 on a pure v2 host. */
    private static final Path USUAL_V2_MOUNT = Path.of("/sys/fs/cgroup");

    static HostCgroups read() {
        try {
            return parse(Files.readAllLines(MOUNTINFO), Files.readAllLines(OWN_CGROUPS));
        } catch (IOException e) {
            throw new CgroupException("cgroup: read " + MOUNTINFO + " and " + OWN_CGROUPS + ": "
                    + IoErrors.describe(e), e);
        }
    }

    CgroupDriver driver() {
        if (!v1Mounts.isEmpty()) {
            return new V1Driver(v1Mounts, unifiedMount, ownCgroups, new CgroupFiles());
        }
        if (unifiedMount != null) {
            return new V2Driver(unifiedMount, ownCgroups.get(CgroupRecord.UNIFIED), new CgroupFiles());
        }
        throw new CgroupException("cgroup: " + MOUNTINFO + " shows no cgroup or cgroup2 mount");
    }

    /**
     * mountinfo lines (proc(5)): "id parent maj:min root mountpoint options [optional...] -
     * fstype source superoptions". For a v1 mount the super options name its controllers.
     */
    static HostCgroups parse(List<String> mountinfo, List<String> procSelfCgroup) {
        Map<String, Path> v1Mounts = new HashMap<>();
        Map<String, String> mountRoots = new HashMap<>();
        Path unified = null;
        String unifiedRoot = "/";
        for (String line : mountinfo) {
            int separator = line.indexOf(" - ");
            if (separator < 0) {
                continue;
            }
            String[] fields = line.substring(0, separator).split(" ");
            String[] tail = line.substring(separator + 3).split(" ");
            if (fields.length < 5 || tail.length < 3) {
                continue;
            }
            Path mountPoint = Path.of(unescape(fields[4]));
            if (tail[0].equals("cgroup2") && (unified == null || mountPoint.equals(USUAL_V2_MOUNT))) {
                unified = mountPoint;
                unifiedRoot = unescape(fields[3]);
            } else if (tail[0].equals("cgroup")) {
                for (String option : tail[2].split(",")) {
                    if (V1_CONTROLLERS.contains(option) && !v1Mounts.containsKey(option)) {
                        v1Mounts.put(option, mountPoint);
                        mountRoots.put(option, unescape(fields[3]));
                    }
                }
            }
        }
        mountRoots.put(CgroupRecord.UNIFIED, unifiedRoot);
        return new HostCgroups(Map.copyOf(v1Mounts), unified, ownCgroups(procSelfCgroup, mountRoots));
    }

    /**
     * /proc/self/cgroup lines (cgroups(7)): "hierarchy-id:controller-list:path", with an empty
     * controller list for cgroup2 ("0::/path"). The path is relative to the hierarchy root, while
     * a mount may expose only a subtree (its mountinfo root), so that root is cut off.
     */
    static Map<String, String> ownCgroups(List<String> lines, Map<String, String> mountRoots) {
        Map<String, String> own = new HashMap<>();
        for (String line : lines) {
            String[] parts = line.split(":", 3);
            if (parts.length != 3) {
                continue;
            }
            List<String> controllers = parts[1].isEmpty() ? List.of(CgroupRecord.UNIFIED)
                    : List.of(parts[1].split(","));
            for (String controller : controllers) {
                if (!controller.startsWith("name=")) {
                    own.put(controller, belowRoot(parts[2], mountRoots.getOrDefault(controller, "/")));
                }
            }
        }
        return Map.copyOf(own);
    }

    private static String belowRoot(String path, String root) {
        if (root.equals("/") || !(path.equals(root) || path.startsWith(root + "/"))) {
            return path;
        }
        String rest = path.substring(root.length());
        return rest.isEmpty() ? "/" : rest;
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
