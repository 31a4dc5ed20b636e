package dev.berth.cgroups;

import java.nio.file.Path;
import java.util.Map;

/**
 * Creates and re-opens cgroups on one kind of host: cgroup v1 (possibly hybrid, with a cgroup2
 * mount beside the v1 controllers) or pure cgroup v2.
 *
 * <p>Paths follow runc: an absolute {@code cgroupsPath} is below each hierarchy's root, a relative
 * one is below the caller's own cgroup in that hierarchy (from /proc/self/cgroup). ".." and "."
 * components and systemd's "slice:prefix:name" syntax are rejected.
 */
public interface CgroupDriver {

    /**
     * Reads /proc/self/mountinfo and /proc/self/cgroup: any mounted v1 controller gives the v1 driver
     * (which also uses the cgroup2 mount, if any, as the hybrid unified hierarchy); otherwise a
     * cgroup2 mount gives the v2 driver.
     */
    static CgroupDriver probe() {
        return HostCgroups.read().driver();
    }

    /**
     * A v1 driver over explicit mounts, e.g. a fake tree in tests.
     *
     * @param controllerMounts controller name ("memory", "cpu", ...) to its hierarchy's mount point;
     *                         co-mounted controllers map to the same path
     * @param unifiedMountOrNull the hybrid cgroup2 mount point, or null
     * @param ownCgroups       controller name to the caller's cgroup in that hierarchy, relative to
     *                         the mount point ("/" when absent); key "" is the unified hierarchy
     */
    static CgroupDriver v1(Map<String, Path> controllerMounts, Path unifiedMountOrNull,
                           Map<String, String> ownCgroups) {
        return new V1Driver(controllerMounts, unifiedMountOrNull, ownCgroups, new CgroupFiles());
    }

    /** A v2 driver over an explicit cgroup2 mount; {@code ownCgroup} is relative to it. */
    static CgroupDriver v2(Path mount, String ownCgroup) {
        return new V2Driver(mount, ownCgroup, new CgroupFiles());
    }

    /** "v1" or "v2". */
    String name();

    /**
     * Creates the cgroup (mkdir of every missing level, remembering which levels it made), applies
     * {@code resources} and returns it. On any failure removes what it created and throws
     * {@link CgroupException} naming the file and the value.
     */
    Cgroup create(String cgroupsPath, Resources resources);

    /** Re-opens a cgroup from what {@link Cgroup#record()} returned, e.g. in another process. */
    Cgroup open(CgroupRecord record);
}
