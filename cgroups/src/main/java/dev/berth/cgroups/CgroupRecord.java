package dev.berth.cgroups;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Cgroup} is, in a form another process can store (e.g. in a container's state file)
 * and hand back to {@link CgroupDriver#open(CgroupRecord)}.
 *
 * @param driver  the driver's {@link CgroupDriver#name()}: "v1" or "v2"
 * @param paths   controller name to the absolute directory of the cgroup in that controller's
 *                hierarchy; controllers co-mounted in one hierarchy map to the same directory. The
 *                key {@link #UNIFIED} ("") is the cgroup2 hierarchy (the only key for v2, the hybrid
 *                unified mount for v1), as in the "0::/path" line of /proc/self/cgroup.
 * @param created absolute directories berth created, parents before children (deepest last); only
 *                these are ever removed
 */
public record CgroupRecord(String driver, Map<String, String> paths, List<String> created) {
    /** The {@link #paths} key of the cgroup2 (unified) hierarchy. */
    public static final String UNIFIED = "";

    public CgroupRecord {
        Objects.requireNonNull(driver, "driver");
        paths = Map.copyOf(paths);
        created = List.copyOf(created);
    }
}
