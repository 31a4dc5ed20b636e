package dev.berth.cgroups;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Pure cgroup v2: one hierarchy, controllers enabled through cgroup.subtree_control. */
final class V2Driver implements CgroupDriver {
    static final String NAME = "v2";

    private final Path mount;
    private final String ownCgroup;
    private final CgroupFiles files;

    V2Driver(Path mount, String ownCgroup, CgroupFiles files) {
        this.mount = mount.toAbsolutePath().normalize();
        this.ownCgroup = ownCgroup;
        this.files = files;
    }

    @Override
    public String name() {
        return NAME;
    }

    Path mount() {
        return mount;
    }

    @Override
    public Cgroup create(String cgroupsPath, Resources resources) {
        Path dir = CgroupPaths.resolve(mount, ownCgroup, cgroupsPath);
        validate(resources);
        List<Path> created = new ArrayList<>();
        try {
            files.mkdirs(mount, dir, created, _ -> {});
            V2Cgroup cgroup = new V2Cgroup(files, mount, dir, created);
            cgroup.apply(resources);
            return cgroup;
        } catch (RuntimeException e) {
            FsCgroup.removeAfterFailure(files, created, e);
            throw e;
        }
    }

    /** Refuses, before anything is written, what cannot be expressed on v2. */
    static void validate(Resources resources) {
        Resources.Cpu cpu = resources.cpu();
        if (cpu != null && (cpu.realtimeRuntime() != null || cpu.realtimePeriod() != null)) {
            throw new CgroupException("cgroup: cpu.realtimeRuntime/cpu.realtimePeriod are not supported"
                    + " on cgroup v2 (it has no cpu.rt_* files)");
        }
        Resources.Memory memory = resources.memory();
        if (memory != null) {
            V2Resources.swapMax(memory.limit(), memory.swap());
        }
        V2Resources.checkUnifiedKeys(resources.unified());
        DeviceProgram.compile(resources.devices()); // refuses device numbers the program cannot hold
    }

    @Override
    public Cgroup open(CgroupRecord record) {
        if (!NAME.equals(record.driver())) {
            throw new CgroupException("cgroup: cannot open a \"" + record.driver()
                    + "\" cgroup record with the v2 driver");
        }
        String dir = record.paths().get(CgroupRecord.UNIFIED);
        if (dir == null) {
            throw new CgroupException("cgroup: v2 cgroup record has no unified (\"\") path: " + record.paths());
        }
        return new V2Cgroup(files, mount, Path.of(dir), record.created().stream().map(Path::of).toList());
    }
}
