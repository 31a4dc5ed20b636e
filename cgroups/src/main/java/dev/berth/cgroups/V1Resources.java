package dev.berth.cgroups;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes {@link Resources} to cgroup v1 controller directories
 * (Documentation/admin-guide/cgroup-v1/*.rst). Hugepage limits and the unified map, which may go
 * to the hybrid cgroup2 hierarchy instead, are left to {@link V1Cgroup}.
 */
final class V1Resources {
    private V1Resources() {}

    private static final class Log {
        static final System.Logger LOGGER = System.getLogger(V1Resources.class.getName());
    }

    static final String MEMORY_LIMIT = "memory.limit_in_bytes";
    static final String MEMSW_LIMIT = "memory.memsw.limit_in_bytes";

    /** v1 controller name to the setting that needs it, for every controller {@code r} writes to. */
    static Map<String, String> controllersNeeded(Resources r) {
        Map<String, String> needed = new TreeMap<>();
        Resources.Memory m = r.memory();
        if (m != null && (m.limit() != null || m.reservation() != null || m.swap() != null
                || m.kernel() != null || m.kernelTcp() != null || m.swappiness() != null
                || m.disableOomKiller() != null)) {
            needed.put("memory", "memory limits");
        }
        Resources.Cpu c = r.cpu();
        if (c != null && (c.shares() != null || c.quota() != null || c.period() != null
                || c.realtimeRuntime() != null || c.realtimePeriod() != null
                || c.burst() != null || c.idle() != null)) {
            needed.put("cpu", "cpu limits");
        }
        if (c != null && (c.cpus() != null || c.mems() != null)) {
            needed.put("cpuset", "cpu.cpus/cpu.mems");
        }
        if (r.pids() != null) {
            needed.put("pids", "pids limit");
        }
        Resources.BlockIo io = r.blockIo();
        if (io != null && (io.weight() != null || io.leafWeight() != null || !io.weightDevices().isEmpty()
                || !io.throttleReadBps().isEmpty() || !io.throttleWriteBps().isEmpty()
                || !io.throttleReadIops().isEmpty() || !io.throttleWriteIops().isEmpty())) {
            needed.put("blkio", "blockIo");
        }
        if (!r.devices().isEmpty()) {
            needed.put("devices", "device rules");
        }
        return needed;
    }

    /** Refuses, before anything is created, values the kernel would reject half-way. */
    static void validate(Resources r) {
        Resources.Memory m = r.memory();
        if (m == null) {
            return;
        }
        Long limit = m.limit();
        Long swap = m.swap();
        if (limit != null && limit < -1) {
            throw new CgroupException("cgroup: memory.limit " + limit + " is negative (only -1, unlimited, is)");
        }
        if (swap != null && swap < -1) {
            throw new CgroupException("cgroup: memory.swap " + swap + " is negative (only -1, unlimited, is)");
        }
        // The kernel keeps memsw >= limit at all times (mem_cgroup_resize_max returns EINVAL).
        if (swap != null && swap != -1 && limit != null && (limit == -1 || swap < limit)) {
            throw new CgroupException("cgroup: memory.swap " + swap + " is below memory.limit " + limit
                    + " (OCI swap is memory+swap)");
        }
        if (m.swappiness() != null && (m.swappiness() < 0 || m.swappiness() > 100)) {
            throw new CgroupException("cgroup: memory.swappiness " + m.swappiness() + " is outside 0-100");
        }
    }

    /** @param dirs controller name to its directory; only mounted controllers are present */
    static void apply(CgroupFiles files, Map<String, Path> dirs, Resources r) {
        if (r.cpu() != null && dirs.containsKey("cpuset")) {
            cpuset(files, dirs.get("cpuset"), r.cpu());
        }
        if (r.memory() != null && dirs.containsKey("memory")) {
            memory(files, dirs.get("memory"), r.memory());
        }
        if (r.cpu() != null && dirs.containsKey("cpu")) {
            cpu(files, dirs.get("cpu"), r.cpu());
        }
        if (r.pids() != null) {
            files.write(dirs.get("pids"), "pids.max",
                    r.pids().limit() <= 0 ? "max" : Long.toString(r.pids().limit()));
        }
        if (r.blockIo() != null && dirs.containsKey("blkio")) {
            blkio(files, dirs.get("blkio"), r.blockIo());
        }
        if (!r.devices().isEmpty()) {
            devices(files, dirs.get("devices"), r.devices());
        }
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
        Long limit = m.limit();
        Long swap = m.swap();
        boolean memswExists = files.exists(dir, MEMSW_LIMIT);
        if (swap != null && !memswExists) {
            throw new CgroupException("cgroup: memory.swap " + swap + ": swap limit needs swap accounting, but "
                    + dir.resolve(MEMSW_LIMIT) + " does not exist (kernel built without it or booted"
                    + " with swapaccount=0)");
        }
        if (limit != null && limit == -1 && swap == null && memswExists) {
            swap = -1L; // unlimited memory would otherwise stay capped by the old memory+swap limit
        }
        if (limit != null && swap != null) {
            memoryAndSwap(files, dir, limit, swap);
        } else if (limit != null) {
            files.write(dir, MEMORY_LIMIT, Long.toString(limit));
        } else if (swap != null) {
            files.write(dir, MEMSW_LIMIT, Long.toString(swap));
        }
        if (m.reservation() != null) {
            files.write(dir, "memory.soft_limit_in_bytes", Long.toString(m.reservation()));
        }
        writeIfPresent(files, dir, "memory.kmem.limit_in_bytes", m.kernel());
        writeIfPresent(files, dir, "memory.kmem.tcp.limit_in_bytes", m.kernelTcp());
        if (m.swappiness() != null) {
            files.write(dir, "memory.swappiness", Long.toString(m.swappiness()));
        }
        if (m.disableOomKiller() != null) {
            files.write(dir, "memory.oom_control", m.disableOomKiller() ? "1" : "0");
        }
    }

    /**
     * The kernel refuses (EINVAL) any write that would leave memsw below limit, so the order
     * depends on the direction: when the new memory+swap is above the current limit, raise memsw
     * first, then set the limit; otherwise lower the limit first, then memsw.
     */
    private static void memoryAndSwap(CgroupFiles files, Path dir, long limit, long swap) {
        long currentLimit = Long.parseLong(files.read(dir, MEMORY_LIMIT));
        if (swap == -1 || currentLimit < swap) {
            files.write(dir, MEMSW_LIMIT, Long.toString(swap));
            files.write(dir, MEMORY_LIMIT, Long.toString(limit));
        } else {
            files.write(dir, MEMORY_LIMIT, Long.toString(limit));
            files.write(dir, MEMSW_LIMIT, Long.toString(swap));
        }
    }

    /** Kernel memory accounting limits are gone from newer kernels; their absence is not an error. */
    private static void writeIfPresent(CgroupFiles files, Path dir, String name, Long value) {
        if (value == null) {
            return;
        }
        if (files.exists(dir, name)) {
            files.write(dir, name, Long.toString(value));
        } else {
            Log.LOGGER.log(System.Logger.Level.WARNING, "cgroup: {0} does not exist; ignoring {1}",
                    dir.resolve(name), String.valueOf(value)); // MessageFormat would group digits
        }
    }

    private static void cpu(CgroupFiles files, Path dir, Resources.Cpu c) {
        if (c.shares() != null) {
            files.write(dir, "cpu.shares", Long.toString(c.shares()));
        }
        // rt_runtime_us is checked against the period in force, so the period goes first (as runc).
        if (c.realtimePeriod() != null) {
            files.write(dir, "cpu.rt_period_us", Long.toString(c.realtimePeriod()));
        }
        if (c.realtimeRuntime() != null) {
            files.write(dir, "cpu.rt_runtime_us", Long.toString(c.realtimeRuntime()));
        }
        cfsBandwidth(files, dir, c.quota(), c.period());
        if (c.burst() != null) {
            files.write(dir, "cpu.cfs_burst_us", Long.toString(c.burst()));
        }
        if (c.idle() != null) {
            if (files.exists(dir, "cpu.idle")) {
                files.write(dir, "cpu.idle", c.idle() ? "1" : "0");
            } else if (c.idle()) {
                throw new CgroupException("cgroup: cpu.idle requested but " + dir.resolve("cpu.idle")
                        + " does not exist (needs Linux 5.15)");
            }
        }
    }

    /**
     * Period before quota: the kernel validates the quota against the period in force. When the
     * new period is refused with EINVAL because of the old quota (tg_set_cfs_bandwidth checks the
     * pair), the quota is written first and the period retried, as runc does.
     */
    private static void cfsBandwidth(CgroupFiles files, Path dir, Long quota, Long period) {
        String quotaValue = quota == null ? null : quota <= 0 ? "-1" : Long.toString(quota);
        if (period != null) {
            try {
                files.write(dir, "cpu.cfs_period_us", Long.toString(period));
            } catch (CgroupException e) {
                if (quotaValue == null || !(e.getCause() instanceof IOException io)
                        || !IoErrors.hasText(io, IoErrors.EINVAL_TEXT)) {
                    throw e;
                }
                files.write(dir, "cpu.cfs_quota_us", quotaValue);
                files.write(dir, "cpu.cfs_period_us", Long.toString(period));
                return;
            }
        }
        if (quotaValue != null) {
            files.write(dir, "cpu.cfs_quota_us", quotaValue);
        }
    }

    private static void blkio(CgroupFiles files, Path dir, Resources.BlockIo io) {
        // CFQ offered blkio.weight; since blk-mq only BFQ has weights, as blkio.bfq.weight.
        String prefix = files.exists(dir, "blkio.weight") ? "blkio."
                : files.exists(dir, "blkio.bfq.weight") ? "blkio.bfq." : null;
        boolean deviceWeights = io.weightDevices().stream().anyMatch(d -> d.weight() != null);
        if ((io.weight() != null || deviceWeights) && prefix == null) {
            throw new CgroupException("cgroup: blockIo weights need blkio.weight (CFQ) or blkio.bfq.weight"
                    + " (BFQ) in " + dir + "; neither exists");
        }
        if (io.weight() != null) {
            files.write(dir, prefix + "weight", Integer.toString(io.weight()));
        }
        if (io.leafWeight() != null) {
            requireCfqLeafWeights(files, dir, "blkio.leaf_weight");
            files.write(dir, "blkio.leaf_weight", Integer.toString(io.leafWeight()));
        }
        for (Resources.WeightDevice d : io.weightDevices()) {
            String device = d.major() + ":" + d.minor() + " ";
            if (d.weight() != null) {
                files.write(dir, prefix + "weight_device", device + d.weight());
            }
            if (d.leafWeight() != null) {
                requireCfqLeafWeights(files, dir, "blkio.leaf_weight_device");
                files.write(dir, "blkio.leaf_weight_device", device + d.leafWeight());
            }
        }
        throttle(files, dir, "blkio.throttle.read_bps_device", io.throttleReadBps());
        throttle(files, dir, "blkio.throttle.write_bps_device", io.throttleWriteBps());
        throttle(files, dir, "blkio.throttle.read_iops_device", io.throttleReadIops());
        throttle(files, dir, "blkio.throttle.write_iops_device", io.throttleWriteIops());
    }

    private static void requireCfqLeafWeights(CgroupFiles files, Path dir, String name) {
        if (!files.exists(dir, name)) {
            throw new CgroupException("cgroup: blockIo leaf weights need " + dir.resolve(name)
                    + " (CFQ), which does not exist; BFQ has no leaf weights");
        }
    }

    /** One "maj:min rate" per write; rate 0 removes the device's rule (blkio-controller.rst). */
    private static void throttle(CgroupFiles files, Path dir, String name, List<Resources.ThrottleDevice> devices) {
        for (Resources.ThrottleDevice d : devices) {
            files.write(dir, name, d.major() + ":" + d.minor() + " " + d.rate());
        }
    }

    /**
     * One rule per write, in order. A leading deny-all is written as "a" to devices.deny, which
     * clears the inherited allow list and switches the default to deny (devices.rst), so the
     * rules after it form a whitelist, as runc does.
     */
    private static void devices(CgroupFiles files, Path dir, List<Resources.DeviceRule> rules) {
        for (int i = 0; i < rules.size(); i++) {
            Resources.DeviceRule rule = rules.get(i);
            if (i == 0 && !rule.allow() && rule.type() == 'a') {
                files.write(dir, "devices.deny", "a");
            } else {
                files.write(dir, rule.allow() ? "devices.allow" : "devices.deny", rule.line());
            }
        }
    }

    /** v1 hugetlb.<size>.limit_in_bytes; -1 is unlimited. */
    static void hugetlb(CgroupFiles files, Path dir, List<Resources.HugepageLimit> limits) {
        for (Resources.HugepageLimit h : limits) {
            files.write(dir, "hugetlb." + h.pageSize() + ".limit_in_bytes",
                    Long.toString(h.limit() < 0 ? -1 : h.limit()));
        }
    }
}
