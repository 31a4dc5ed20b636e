package dev.berth.cli;

import dev.berth.cgroups.Stats;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lines of `events`, byte for byte as runc writes them with json.Encoder: runc's types.Event
 * ({@code {"type":...,"id":...,"data":...}}, data omitted when empty) around its types.Stats
 * (types/events.go). Go's rules apply field by field: numbers tagged omitempty vanish when 0,
 * slices when empty; struct fields never do; map keys are sorted; numbers are uint64, so
 * {@link Stats#UNLIMITED} prints as 18446744073709551615. A value berth could not read (null)
 * is written as Go's zero value, which is what runc reports for a file it cannot read.
 *
 * <p>Of runc's stats, berth has the cpu, memory, pids, blkio and hugetlb groups; the cpuset,
 * intel_rdt and network_interfaces groups are left out.
 */
final class StatsJson {
    private final StringBuilder out = new StringBuilder(2048);
    /** Whether the object being written has a field yet (for the commas). */
    private boolean first;

    private StatsJson() {
    }

    /** {@code {"type":"oom","id":ID}} and a newline. */
    static String oomEvent(String id) {
        return "{\"type\":\"oom\",\"id\":" + GoJson.quote(id) + "}\n";
    }

    /** {@code {"type":"stats","id":ID,"data":{...}}} and a newline. */
    static String statsEvent(String id, Stats stats) {
        StatsJson json = new StatsJson();
        json.out.append("{\"type\":\"stats\",\"id\":").append(GoJson.quote(id)).append(",\"data\":");
        json.stats(stats);
        return json.out.append("}\n").toString();
    }

    private void stats(Stats stats) {
        begin();
        key("cpu");
        cpu(stats.cpu());
        key("memory");
        memory(stats.memory());
        key("pids");
        begin();
        Stats.Pids pids = stats.pids();
        omitEmpty("current", pids == null ? null : pids.current());
        omitEmpty("limit", pids == null ? null : pids.limit());
        end();
        key("blkio");
        blkio(stats.blkio());
        key("hugetlb");
        begin();
        for (Map.Entry<String, Stats.Hugetlb> entry : new TreeMap<>(stats.hugetlb()).entrySet()) {
            key(entry.getKey());
            Stats.Hugetlb page = entry.getValue();
            begin();
            omitEmpty("usage", page.usage());
            omitEmpty("max", page.max());
            always("failcnt", page.failcnt());
            end();
        }
        end();
        end();
    }

    private void cpu(Stats.Cpu cpu) {
        begin();
        key("usage");
        Stats.CpuUsage usage = cpu == null ? null : cpu.usage();
        begin();
        if (usage != null) {
            omitEmpty("total", usage.total());
            omitEmpty("percpu", usage.percpu());
            omitEmpty("percpu_kernel", usage.percpuKernel());
            omitEmpty("percpu_user", usage.percpuUser());
        }
        always("kernel", usage == null ? null : usage.kernel());
        always("user", usage == null ? null : usage.user());
        end();
        key("throttling");
        Stats.Throttling throttling = cpu == null ? null : cpu.throttling();
        begin();
        if (throttling != null) {
            omitEmpty("periods", throttling.periods());
            omitEmpty("throttledPeriods", throttling.throttledPeriods());
            omitEmpty("throttledTime", throttling.throttledTime());
        }
        end();
        end();
    }

    private void memory(Stats.Memory memory) {
        begin();
        if (memory != null) {
            omitEmpty("cache", memory.cache());
        }
        memoryEntry("usage", memory == null ? null : memory.usage());
        memoryEntry("swap", memory == null ? null : memory.swap());
        memoryEntry("kernel", memory == null ? null : memory.kernel());
        memoryEntry("kernelTCP", memory == null ? null : memory.kernelTcp());
        if (memory != null && !memory.raw().isEmpty()) {
            key("raw");
            begin();
            for (Map.Entry<String, Long> entry : new TreeMap<>(memory.raw()).entrySet()) {
                always(entry.getKey(), entry.getValue());
            }
            end();
        }
        end();
    }

    private void memoryEntry(String name, Stats.MemoryEntry entry) {
        key(name);
        begin();
        always("limit", entry == null ? null : entry.limit());
        if (entry != null) {
            omitEmpty("usage", entry.usage());
            omitEmpty("max", entry.max());
        }
        always("failcnt", entry == null ? null : entry.failcnt());
        end();
    }

    private void blkio(Stats.Blkio blkio) {
        begin();
        if (blkio != null) {
            blkioEntries("ioServiceBytesRecursive", blkio.ioServiceBytesRecursive());
            blkioEntries("ioServicedRecursive", blkio.ioServicedRecursive());
        }
        end();
    }

    private void blkioEntries(String name, List<Stats.BlkioEntry> entries) {
        if (entries == null || entries.isEmpty()) {
            return;
        }
        key(name);
        out.append('[');
        for (int i = 0; i < entries.size(); i++) {
            Stats.BlkioEntry entry = entries.get(i);
            out.append(i == 0 ? "" : ",");
            begin();
            omitEmpty("major", entry.major());
            omitEmpty("minor", entry.minor());
            if (entry.op() != null && !entry.op().isEmpty()) {
                key("op");
                GoJson.appendQuoted(out, entry.op());
            }
            omitEmpty("value", entry.value());
            end();
        }
        out.append(']');
    }

    private void begin() {
        out.append('{');
        first = true;
    }

    /** Closes an object; the enclosing one has at least the key of this one, so it has a field. */
    private void end() {
        out.append('}');
        first = false;
    }

    private void key(String name) {
        if (!first) {
            out.append(',');
        }
        first = false;
        GoJson.appendQuoted(out, name);
        out.append(':');
    }

    /** A uint64 field without omitempty: always there, 0 for a value berth does not have. */
    private void always(String name, Long value) {
        key(name);
        out.append(Long.toUnsignedString(value == null ? 0 : value));
    }

    /** A uint64 field tagged omitempty. */
    private void omitEmpty(String name, Long value) {
        if (value != null && value != 0) {
            always(name, value);
        }
    }

    /** A []uint64 field tagged omitempty. */
    private void omitEmpty(String name, List<Long> values) {
        if (values == null || values.isEmpty()) {
            return;
        }
        key(name);
        out.append('[');
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ",").append(Long.toUnsignedString(values.get(i) == null ? 0 : values.get(i)));
        }
        out.append(']');
    }
}
