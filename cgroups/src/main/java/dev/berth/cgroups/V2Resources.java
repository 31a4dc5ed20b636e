package dev.berth.cgroups;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes {@link Resources} to a cgroup2 directory (Documentation/admin-guide/cgroup-v2.rst).
 * Also used by the v1 driver for the hybrid unified hierarchy (hugetlb and the unified map).
 *
 * <p>Device rules are not written here: cgroup v2 has no devices files; {@link V2Cgroup} attaches
 * a BPF_CGROUP_DEVICE program instead ({@link DeviceControl}). The hybrid unified hierarchy gets
 * none, since the v1 devices controller already applies the rules there.
 */
final class V2Resources {
    private V2Resources() {}

    /** Controllers with interface files berth may name in the unified map. */
    private static final Set<String> CONTROLLERS =
            Set.of("cpu", "cpuset", "io", "memory", "pids", "hugetlb", "rdma", "misc");

    private static final class Log {
        static final System.Logger LOGGER = System.getLogger(V2Resources.class.getName());
    }

    /** Controller name to the setting that needs it, for every controller {@code r} will write to. */
    static Map<String, String> controllersNeeded(Resources r) {
        Map<String, String> needed = new TreeMap<>();
        Resources.Memory m = r.memory();
        if (m != null && (m.limit() != null || m.reservation() != null || m.swap() != null)) {
            needed.put("memory", "memory limits");
        }
        Resources.Cpu c = r.cpu();
        if (c != null && (c.shares() != null || c.quota() != null || c.period() != null
                || c.burst() != null || c.idle() != null)) {
            needed.put("cpu", "cpu limits");
        }
        if (c != null && (c.cpus() != null || c.mems() != null)) {
            needed.put("cpuset", "cpu.cpus/cpu.mems");
        }
        if (r.pids() != null) {
            needed.put("pids", "pids limit");
        }
        if (r.blockIo() != null && writesIo(r.blockIo())) {
            needed.put("io", "blockIo");
        }
        if (!r.hugepageLimits().isEmpty()) {
            needed.put("hugetlb", "hugepageLimits");
        }
        needed.putAll(unifiedControllers(r.unified()));
        return needed;
    }

    static Map<String, String> unifiedControllers(Map<String, String> unified) {
        Map<String, String> needed = new TreeMap<>();
        for (String key : unified.keySet()) {
            int dot = key.indexOf('.');
            String prefix = dot < 0 ? key : key.substring(0, dot);
            if (CONTROLLERS.contains(prefix)) {
                needed.put(prefix, "unified \"" + key + "\"");
            }
        }
        return needed;
    }

    private static boolean writesIo(Resources.BlockIo io) {
        return io.weight() != null || io.weightDevices().stream().anyMatch(d -> d.weight() != null)
                || !io.throttleReadBps().isEmpty() || !io.throttleWriteBps().isEmpty()
                || !io.throttleReadIops().isEmpty() || !io.throttleWriteIops().isEmpty();
    }

    static void apply(CgroupFiles files, Path dir, Resources r) {
        if (r.cpu() != null) {
            cpuset(files, dir, r.cpu());
        }
        if (r.memory() != null) {
            memory(files, dir, r.memory());
        }
        if (r.cpu() != null) {
            cpu(files, dir, r.cpu());
        }
        if (r.pids() != null) {
            files.write(dir, "pids.max", r.pids().limit() <= 0 ? "max" : Long.toString(r.pids().limit()));
        }
        if (r.blockIo() != null) {
            io(files, dir, r.blockIo());
        }
        hugetlb(files, dir, r.hugepageLimits());
        unified(files, dir, r.unified());
        // r.devices(): see the class comment; V2Cgroup attaches them as a BPF program.
    }

    private static void cpuset(CgroupFiles files, Path dir, Resources.Cpu c) {
        if (c.cpus() != null) {
            files.write(dir, "cpuset.cpus", c.cpus());
        }
        if (c.mems() != null) {
            files.write(dir, "cpuset.mems", c.mems());
        }
    }

    private static void memory(CgroupFiles files, Path dir, Resources.Memory m) {
        String swapMax = swapMax(m.limit(), m.swap());
        if (m.limit() != null) {
            files.write(dir, "memory.max", bytesOrMax("memory.limit", m.limit()));
        }
        if (swapMax != null) {
            if (files.exists(dir, "memory.swap.max")) {
                files.write(dir, "memory.swap.max", swapMax);
            } else if (m.swap() != null) {
                throw new CgroupException("cgroup: memory.swap needs swap accounting, but "
                        + dir.resolve("memory.swap.max") + " does not exist");
            }
        }
        if (m.reservation() != null) {
            files.write(dir, "memory.low", bytesOrMax("memory.reservation", m.reservation()));
        }
        // cgroup v2 has no knobs for these; runc ignores them on v2 as well.
        warnIgnored("memory.kernel", m.kernel());
        warnIgnored("memory.kernelTcp", m.kernelTcp());
        warnIgnored("memory.swappiness", m.swappiness());
        warnIgnored("memory.disableOomKiller", m.disableOomKiller());
    }

    /**
     * OCI's swap is memory+swap (v1's memsw); v2's memory.swap.max is swap alone, so the value is
     * swap - limit. As in v1, unlimited memory with swap unset means unlimited swap too.
     */
    static String swapMax(Long limit, Long swap) {
        if (swap == null) {
            return limit != null && limit == -1 ? "max" : null;
        }
        if (swap == -1) {
            return "max";
        }
        if (swap < 0) {
            throw new CgroupException("cgroup: memory.swap " + swap + " is negative (only -1, unlimited, is)");
        }
        if (limit == null || limit == -1) {
            throw new CgroupException("cgroup: memory.swap " + swap + " needs a memory.limit:"
                    + " OCI swap is memory+swap, cgroup v2 limits swap alone");
        }
        if (swap < limit) {
            throw new CgroupException("cgroup: memory.swap " + swap + " is below memory.limit " + limit
                    + " (OCI swap is memory+swap)");
        }
        return Long.toString(swap - limit);
    }

    private static String bytesOrMax(String field, long value) {
        if (value == -1) {
            return "max";
        }
        if (value < 0) {
            throw new CgroupException("cgroup: " + field + " " + value + " is negative (only -1, unlimited, is)");
        }
        return Long.toString(value);
    }

    private static void cpu(CgroupFiles files, Path dir, Resources.Cpu c) {
        // realtimeRuntime/realtimePeriod were refused by V2Driver.validate before anything was written.
        if (c.shares() != null) {
            files.write(dir, "cpu.weight", Long.toString(sharesToWeight(c.shares())));
        }
        if (c.quota() != null || c.period() != null) {
            String quota = c.quota() == null ? currentQuota(files, dir)
                    : c.quota() <= 0 ? "max" : Long.toString(c.quota());
            files.write(dir, "cpu.max", c.period() == null ? quota : quota + " " + c.period());
        }
        if (c.burst() != null) {
            files.write(dir, "cpu.max.burst", Long.toString(c.burst()));
        }
        if (c.idle() != null) {
            files.write(dir, "cpu.idle", c.idle() ? "1" : "0");
        }
    }

    /**
     * cpu.max takes "$MAX $PERIOD" with $MAX mandatory, so setting only the period re-writes the
     * quota in force (runc writes "max" there, silently dropping the limit).
     */
    private static String currentQuota(CgroupFiles files, Path dir) {
        return files.read(dir, "cpu.max").split("\\s+")[0];
    }

    /**
     * v1 shares [2, 262144] onto v2 weight [1, 10000], the linear map runc and crun use, so both
     * ends and the default (1024 -> 39) agree across runtimes. Out-of-range shares are clamped as
     * the v1 kernel clamps them.
     */
    static long sharesToWeight(long shares) {
        long clamped = Math.clamp(shares, 2L, 262144L);
        return 1 + ((clamped - 2) * 9999) / 262142;
    }

    /** blkio weight [10, 1000] onto io.weight [1, 10000], as runc does. */
    static long blkioToIoWeight(long weight) {
        long clamped = Math.clamp(weight, 10L, 1000L);
        return 1 + ((clamped - 10) * 9999) / 990;
    }

    private static void io(CgroupFiles files, Path dir, Resources.BlockIo io) {
        boolean hasDeviceWeight = io.weightDevices().stream().anyMatch(d -> d.weight() != null);
        if (io.weight() != null || hasDeviceWeight) {
            ioWeights(files, dir, io);
        }
        warnIgnored("blockIo.leafWeight", io.leafWeight());
        if (io.weightDevices().stream().anyMatch(d -> d.leafWeight() != null)) {
            warnIgnored("blockIo.weightDevice.leafWeight", true);
        }
        for (String line : ioMaxLines(io)) {
            files.write(dir, "io.max", line);
        }
    }

    /**
     * BFQ's io.bfq.weight takes the blkio scale (1-1000) as is; io.weight (io.cost) is 1-10000.
     * "default N" sets the cgroup-wide weight, "maj:min N" one device's (cgroup-v2.rst, IO).
     */
    private static void ioWeights(CgroupFiles files, Path dir, Resources.BlockIo io) {
        boolean bfq = files.exists(dir, "io.bfq.weight");
        if (!bfq && !files.exists(dir, "io.weight")) {
            throw new CgroupException("cgroup: blockIo weights need io.bfq.weight (BFQ scheduler) or"
                    + " io.weight (io.cost) in " + dir + "; neither exists");
        }
        String file = bfq ? "io.bfq.weight" : "io.weight";
        if (io.weight() != null) {
            files.write(dir, file, "default " + (bfq ? io.weight() : blkioToIoWeight(io.weight())));
        }
        for (Resources.WeightDevice d : io.weightDevices()) {
            if (d.weight() != null) {
                long weight = bfq ? d.weight() : blkioToIoWeight(d.weight());
                files.write(dir, file, d.major() + ":" + d.minor() + " " + weight);
            }
        }
    }

    /** One io.max line per device, "maj:min rbps=N wbps=N riops=N wiops=N"; rate 0 = "max". */
    static List<String> ioMaxLines(Resources.BlockIo io) {
        Map<String, StringBuilder> byDevice = new LinkedHashMap<>();
        addIoMax(byDevice, "rbps", io.throttleReadBps());
        addIoMax(byDevice, "wbps", io.throttleWriteBps());
        addIoMax(byDevice, "riops", io.throttleReadIops());
        addIoMax(byDevice, "wiops", io.throttleWriteIops());
        return byDevice.entrySet().stream().map(e -> e.getKey() + e.getValue()).toList();
    }

    private static void addIoMax(Map<String, StringBuilder> byDevice, String key,
                                 List<Resources.ThrottleDevice> devices) {
        for (Resources.ThrottleDevice d : devices) {
            byDevice.computeIfAbsent(d.major() + ":" + d.minor(), _ -> new StringBuilder())
                    .append(' ').append(key).append('=').append(d.rate() == 0 ? "max" : Long.toString(d.rate()));
        }
    }

    static void hugetlb(CgroupFiles files, Path dir, List<Resources.HugepageLimit> limits) {
        for (Resources.HugepageLimit h : limits) {
            files.write(dir, "hugetlb." + h.pageSize() + ".max",
                    h.limit() < 0 ? "max" : Long.toString(h.limit()));
        }
    }

    /** Verbatim writes, in key order so that a failure is reproducible. */
    static void unified(CgroupFiles files, Path dir, Map<String, String> unified) {
        checkUnifiedKeys(unified);
        for (var entry : new TreeMap<>(unified).entrySet()) {
            files.write(dir, entry.getKey(), entry.getValue());
        }
    }

    /** A unified key must be a plain file name: anything else could write outside the cgroup. */
    static void checkUnifiedKeys(Map<String, String> unified) {
        for (String key : unified.keySet()) {
            if (key.isEmpty() || key.contains("/") || key.equals("..") || key.equals(".")) {
                throw new CgroupException("cgroup: unified key \"" + key + "\" is not a file name");
            }
        }
    }

    private static void warnIgnored(String field, Object value) {
        if (value != null) {
            Log.LOGGER.log(System.Logger.Level.WARNING,
                    "cgroup v2 has no equivalent of {0}; ignoring {0}={1}", field, String.valueOf(value));
        }
    }
}
