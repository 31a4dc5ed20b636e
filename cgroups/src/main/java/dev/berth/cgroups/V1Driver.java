package dev.berth.cgroups;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * cgroup v1: one hierarchy per mounted controller (or group of co-mounted controllers), plus the
 * cgroup2 mount of a hybrid host. Named hierarchies such as name=systemd are not berth's and are
 * never touched.
 */
final class V1Driver implements CgroupDriver {
    static final String NAME = "v1";

    /** Controller name to mount point, sorted so that every walk over them is reproducible. */
    private final Map<String, Path> mounts;
    private final Path unifiedMount;
    private final Map<String, String> ownCgroups;
    private final CgroupFiles files;

    V1Driver(Map<String, Path> controllerMounts, Path unifiedMountOrNull, Map<String, String> ownCgroups,
             CgroupFiles files) {
        this.mounts = new TreeMap<>();
        controllerMounts.forEach((controller, mount) -> {
            if (!controller.startsWith("name=") && !controller.isEmpty()) {
                mounts.put(controller, mount.toAbsolutePath().normalize());
            }
        });
        if (mounts.isEmpty()) {
            throw new CgroupException("cgroup: the v1 driver needs at least one mounted v1 controller");
        }
        this.unifiedMount = unifiedMountOrNull == null ? null : unifiedMountOrNull.toAbsolutePath().normalize();
        this.ownCgroups = Map.copyOf(ownCgroups);
        this.files = files;
    }

    @Override
    public String name() {
        return NAME;
    }

    Map<String, Path> mounts() {
        return Map.copyOf(mounts);
    }

    /** The hybrid cgroup2 mount point, or null on a host with v1 controllers only. */
    Path unifiedMount() {
        return unifiedMount;
    }

    @Override
    public Cgroup create(String cgroupsPath, Resources resources) {
        Map<String, Path> dirs = new LinkedHashMap<>();
        mounts.forEach((controller, mount) ->
                dirs.put(controller, CgroupPaths.resolve(mount, ownCgroups.get(controller), cgroupsPath)));
        if (unifiedMount != null) {
            dirs.put(CgroupRecord.UNIFIED,
                    CgroupPaths.resolve(unifiedMount, ownCgroups.get(CgroupRecord.UNIFIED), cgroupsPath));
        }
        check(resources, dirs.keySet(), unifiedMount != null);
        List<Path> created = new ArrayList<>();
        try {
            makeDirectories(dirs, created);
            V1Cgroup cgroup = new V1Cgroup(files, dirs, created, unifiedMount);
            cgroup.apply(resources);
            return cgroup;
        } catch (RuntimeException e) {
            FsCgroup.removeAfterFailure(files, created, e);
            throw e;
        }
    }

    /** Refuses, before anything is written, settings no mounted hierarchy can hold. */
    static void check(Resources resources, Set<String> controllers, boolean hybrid) {
        V1Resources.validate(resources);
        V2Resources.checkUnifiedKeys(resources.unified());
        V1Resources.controllersNeeded(resources).forEach((controller, what) -> {
            if (!controllers.contains(controller)) {
                throw new CgroupException("cgroup: v1 controller \"" + controller
                        + "\" (needed for " + what + ") is not mounted");
            }
        });
        if (!resources.hugepageLimits().isEmpty() && !controllers.contains("hugetlb") && !hybrid) {
            throw new CgroupException("cgroup: hugepageLimits need the hugetlb controller, which is"
                    + " mounted neither as cgroup v1 nor in a cgroup2 hierarchy");
        }
        if (!resources.unified().isEmpty() && !hybrid) {
            throw new CgroupException("cgroup: unified settings " + resources.unified().keySet()
                    + " need a cgroup2 hierarchy; this host has cgroup v1 only");
        }
    }

    /** mkdir in each hierarchy once (co-mounted controllers share a directory). */
    private void makeDirectories(Map<String, Path> dirs, List<Path> created) {
        Set<Path> done = new HashSet<>();
        for (var entry : dirs.entrySet()) {
            Path dir = entry.getValue();
            if (!done.add(dir)) {
                continue;
            }
            Path mount = entry.getKey().equals(CgroupRecord.UNIFIED) ? unifiedMount : mounts.get(entry.getKey());
            boolean cpuset = mount.equals(mounts.get("cpuset"));
            files.mkdirs(mount, dir, created, cpuset ? this::inheritCpuset : _ -> {});
        }
    }

    /**
     * A new v1 cpuset starts with empty cpuset.cpus and cpuset.mems (unless the parent sets
     * cgroup.clone_children), and attaching a task to it then fails with ENOSPC
     * (cpuset_can_attach); so each level berth makes gets its parent's values.
     */
    private void inheritCpuset(Path level) {
        for (String name : List.of("cpuset.cpus", "cpuset.mems")) {
            if (!files.read(level, name).isEmpty()) {
                continue;
            }
            String inherited = files.read(level.getParent(), name);
            if (inherited.isEmpty()) {
                throw new CgroupException("cgroup: cannot initialise " + level.resolve(name) + ": "
                        + level.getParent().resolve(name) + " is empty");
            }
            files.write(level, name, inherited);
        }
    }

    @Override
    public Cgroup open(CgroupRecord record) {
        if (!NAME.equals(record.driver())) {
            throw new CgroupException("cgroup: cannot open a \"" + record.driver()
                    + "\" cgroup record with the v1 driver");
        }
        if (record.paths().isEmpty()) {
            throw new CgroupException("cgroup: v1 cgroup record has no paths");
        }
        Map<String, Path> paths = new TreeMap<>();
        record.paths().forEach((controller, dir) -> paths.put(controller, Path.of(dir)));
        Path unified = paths.containsKey(CgroupRecord.UNIFIED) ? unifiedMount : null;
        return new V1Cgroup(files, paths, record.created().stream().map(Path::of).toList(), unified);
    }
}
