package dev.berth.cgroups;

import java.util.List;
import java.util.Map;

/** Terse {@link Resources} for tests: one kind of setting at a time. */
final class Res {
    private Res() {}

    static Resources memory(Resources.Memory memory) {
        return new Resources(memory, null, null, null, null, null, null);
    }

    static Resources memory(Long limit, Long swap) {
        return memory(new Resources.Memory(limit, null, swap, null, null, null, null));
    }

    static Resources cpu(Resources.Cpu cpu) {
        return new Resources(null, cpu, null, null, null, null, null);
    }

    static Resources.Cpu quota(Long quota, Long period) {
        return new Resources.Cpu(null, quota, period, null, null, null, null, null, null);
    }

    static Resources cpus(String cpus, String mems) {
        return cpu(new Resources.Cpu(null, null, null, null, null, cpus, mems, null, null));
    }

    static Resources pids(long limit) {
        return new Resources(null, null, new Resources.Pids(limit), null, null, null, null);
    }

    static Resources blockIo(Resources.BlockIo io) {
        return new Resources(null, null, null, io, null, null, null);
    }

    static Resources hugepages(Resources.HugepageLimit... limits) {
        return new Resources(null, null, null, null, List.of(limits), null, null);
    }

    static Resources devices(Resources.DeviceRule... rules) {
        return new Resources(null, null, null, null, null, List.of(rules), null);
    }

    static Resources unified(Map<String, String> unified) {
        return new Resources(null, null, null, null, null, null, unified);
    }
}
