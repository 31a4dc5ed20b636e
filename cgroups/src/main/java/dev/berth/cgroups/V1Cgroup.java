package dev.berth.cgroups;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A cgroup v1 cgroup: one directory per mounted controller hierarchy and, on a hybrid host, one
 * in the cgroup2 hierarchy (key {@link CgroupRecord#UNIFIED}), where freeze and kill live.
 */
final class V1Cgroup extends FsCgroup {
    private static final String FREEZER = "freezer";
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

    /** The v1 freezer if mounted (it is where runc and tools look), else the unified one. */
    @Override
    Freezer freezer() {
        if (paths.containsKey(FREEZER)) {
            return new Freezer.V1(files, paths.get(FREEZER), Freezer.DEFAULT_TIMEOUT);
        }
        return unifiedFreezer(unifiedDir());
    }

    @Override
    Path unifiedDir() {
        return paths.get(CgroupRecord.UNIFIED);
    }

    @Override
    Stats readStats() {
        return StatsReader.v1(files, paths, unifiedDir());
    }

    /**
     * A task frozen by the v1 freezer waits in the refrigerator and acts on SIGKILL only once
     * thawed (seen on this kernel: State D until THAWED is written), so thaw after signalling.
     */
    @Override
    void afterKill() {
        if (paths.containsKey(FREEZER)) {
            Freezer freezer = freezer();
            if (freezer.state() != FreezerState.THAWED) {
                freezer.thaw();
            }
        }
    }

    /**
     * v1 counts an OOM kill only in the victim's own memory cgroup (memcg_memory_event goes up
     * the tree only for cgroup2), even when the limit that was hit is an ancestor's: on this
     * kernel a task killed in a child under its parent's 16 MB limit raised the child's counter
     * alone. A container with child cgroups therefore needs the sum over its subtree.
     */
    @Override
    public long oomKillCount() {
        Path memory = paths.get("memory");
        return memory == null ? 0 : oomKillsBelow(memory);
    }

    private long oomKillsBelow(Path dir) {
        Long kills = new StatFiles(files, dir).key("memory.oom_control", "oom_kill");
        long total = kills == null ? 0 : kills;
        for (Path child : files.childCgroups(dir)) {
            total += oomKillsBelow(child);
        }
        return total;
    }
}
