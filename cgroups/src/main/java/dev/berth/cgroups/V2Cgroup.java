package dev.berth.cgroups;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A cgroup in a pure cgroup v2 hierarchy: one directory. */
final class V2Cgroup extends FsCgroup {
    private final Path mount;
    private final Path dir;

    V2Cgroup(CgroupFiles files, Path mount, Path dir, List<Path> created) {
        super(files, V2Driver.NAME, Map.of(CgroupRecord.UNIFIED, dir), created);
        this.mount = mount;
        this.dir = dir;
    }

    @Override
    void apply(Resources resources) {
        V2Driver.validate(resources);
        SubtreeControl.enable(files, mount, dir, created, V2Resources.controllersNeeded(resources));
        V2Resources.apply(files, dir, resources);
        if (!resources.devices().isEmpty()) {
            DeviceControl.apply(dir, resources.devices());
        }
    }

    @Override
    Path processesDir() {
        return dir;
    }

    @Override
    Freezer freezer() {
        return unifiedFreezer(dir);
    }

    @Override
    Path unifiedDir() {
        return dir;
    }

    @Override
    Stats readStats() {
        return StatsReader.v2(files, dir);
    }

    /** cgroup2 frozen tasks sit in do_freezer_trap, which a fatal signal wakes: nothing to do. */
    @Override
    void afterKill() {}

    /** memory.events counts the whole subtree (unless cgroup2 is mounted with memory_localevents). */
    @Override
    public long oomKillCount() {
        Long kills = new StatFiles(files, dir).key("memory.events", "oom_kill");
        return kills == null ? 0 : kills;
    }
}
