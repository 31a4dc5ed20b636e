package dev.berth.cgroups;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A cgroup v1 cgroup: one directory per mounted controller hierarchy and, on a hybrid host, one
 * in the cgroup2 hierarchy (key {@link CgroupRecord#UNIFIED}), where freeze and kill live.
 */
final class V1Cgroup extends FsCgroup {
    /** The hybrid cgroup2 mount point, or null. */
    private final Path unifiedMount;

    V1Cgroup(CgroupFiles files, Map<String, Path> paths, List<Path> created, Path unifiedMount) {
        super(files, V1Driver.NAME, paths, created);
        this.unifiedMount = unifiedMount;
    }

    @Override
    void apply(Resources resources) {
        V1Driver.check(resources, paths.keySet(), unifiedMount != null);
        V1Resources.apply(files, paths, resources);
        if (!resources.hugepageLimits().isEmpty()) {
            if (paths.containsKey("hugetlb")) {
                V1Resources.hugetlb(files, paths.get("hugetlb"), resources.hugepageLimits());
            } else {
                // Newer kernels offer hugetlb only on cgroup2 when it is not bound to a v1 mount.
                Path dir = enableUnified(Map.of("hugetlb", "hugepageLimits"));
                V2Resources.hugetlb(files, dir, resources.hugepageLimits());
            }
        }
        if (!resources.unified().isEmpty()) {
            Path dir = enableUnified(V2Resources.unifiedControllers(resources.unified()));
            V2Resources.unified(files, dir, resources.unified());
        }
    }

    private Path enableUnified(Map<String, String> needed) {
        Path dir = paths.get(CgroupRecord.UNIFIED);
        List<Path> createdThere = created.stream().filter(p -> p.startsWith(unifiedMount)).toList();
        SubtreeControl.enable(files, unifiedMount, dir, createdThere, needed);
        return dir;
    }

    /** The pids hierarchy lists every task; memory next; otherwise whichever comes first. */
    @Override
    Path processesDir() {
        for (String controller : List.of("pids", "memory")) {
            if (paths.containsKey(controller)) {
                return paths.get(controller);
            }
        }
        return hierarchyDirs().iterator().next();
    }
}
