package dev.berth.cgroups;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Resource limits for a cgroup, shaped like the OCI runtime spec's {@code linux.resources}. A null
 * field (or an empty list or map) means "not set": {@link Cgroup#update} writes only what is set.
 *
 * <p>Units follow the OCI spec: bytes for memory, microseconds for CPU periods and quotas, bytes or
 * operations per second for block I/O throttles.
 *
 * @param unified cgroup v2 file name to value, written verbatim after everything else (v2, or the
 *                hybrid unified hierarchy under v1)
 */
public record Resources(Memory memory, Cpu cpu, Pids pids, BlockIo blockIo,
                        List<HugepageLimit> hugepageLimits, List<DeviceRule> devices,
                        Map<String, String> unified) {

    /** Nothing set: {@code create(path, NONE)} only creates the cgroup. */
    public static final Resources NONE = new Resources(null, null, null, null, null, null, null);

    public Resources {
        hugepageLimits = hugepageLimits == null ? List.of() : List.copyOf(hugepageLimits);
        devices = devices == null ? List.of() : List.copyOf(devices);
        unified = unified == null ? Map.of() : Map.copyOf(unified);
    }

    /**
     * @param limit            bytes; -1 = unlimited
     * @param reservation      soft limit in bytes (v1 memory.soft_limit_in_bytes, v2 memory.low)
     * @param swap             memory+swap in bytes, as in OCI (v2 writes swap - limit); -1 = unlimited
     * @param kernel           v1 only, deprecated by the kernel; ignored where unsupported
     * @param kernelTcp        v1 only, deprecated by the kernel; ignored where unsupported
     * @param swappiness       v1 only, 0-100
     * @param disableOomKiller v1 only
     */
    public record Memory(Long limit, Long reservation, Long swap, Long kernel, Long kernelTcp,
                         Long swappiness, Boolean disableOomKiller) {}

    /**
     * @param shares          v1 cpu.shares (2-262144); v2 converts it to cpu.weight
     * @param quota           microseconds per period; {@code <= 0} = unlimited
     * @param period          microseconds
     * @param realtimeRuntime v1 only
     * @param realtimePeriod  v1 only
     * @param cpus            cpuset list such as "0-3,6"
     * @param mems            memory node list such as "0"
     * @param burst           microseconds
     * @param idle            SCHED_IDLE for the whole group
     */
    public record Cpu(Long shares, Long quota, Long period, Long realtimeRuntime, Long realtimePeriod,
                      String cpus, String mems, Long burst, Boolean idle) {}

    /** @param limit maximum number of tasks; {@code <= 0} means unlimited ("max") */
    public record Pids(long limit) {}

    /** Weights are the blkio scale 10-1000 (v2's io.weight gets them converted to 1-10000). */
    public record BlockIo(Integer weight, Integer leafWeight, List<WeightDevice> weightDevices,
                          List<ThrottleDevice> throttleReadBps, List<ThrottleDevice> throttleWriteBps,
                          List<ThrottleDevice> throttleReadIops, List<ThrottleDevice> throttleWriteIops) {
        public BlockIo {
            weightDevices = weightDevices == null ? List.of() : List.copyOf(weightDevices);
            throttleReadBps = throttleReadBps == null ? List.of() : List.copyOf(throttleReadBps);
            throttleWriteBps = throttleWriteBps == null ? List.of() : List.copyOf(throttleWriteBps);
            throttleReadIops = throttleReadIops == null ? List.of() : List.copyOf(throttleReadIops);
            throttleWriteIops = throttleWriteIops == null ? List.of() : List.copyOf(throttleWriteIops);
        }
    }

    public record WeightDevice(long major, long minor, Integer weight, Integer leafWeight) {
        public WeightDevice {
            requireDeviceNumbers("blockIo.weightDevice", major, minor);
        }
    }

    /** @param rate bytes or operations per second; 0 removes the limit */
    public record ThrottleDevice(long major, long minor, long rate) {
        public ThrottleDevice {
            requireDeviceNumbers("blockIo.throttleDevice", major, minor);
            if (rate < 0) {
                throw new CgroupException("cgroup: blockIo throttle rate for " + major + ":" + minor
                        + " is negative: " + rate);
            }
        }
    }

    /** @param pageSize as the kernel names it in hugetlb file names: "2MB", "1GB", "64KB" */
    public record HugepageLimit(String pageSize, long limit) {
        private static final class Holder {
            // hugetlb_cgroup.c names files with mem_fmt(): a number then KB, MB or GB.
            static final Pattern PAGE_SIZE = Pattern.compile("[0-9]+[KMG]B");
        }

        public HugepageLimit {
            if (pageSize == null || !Holder.PAGE_SIZE.matcher(pageSize).matches()) {
                throw new CgroupException("cgroup: hugepageLimits.pageSize \"" + pageSize
                        + "\" is not a size like 2MB or 1GB");
            }
        }
    }

    /**
     * A devices-controller rule: written to devices.allow/deny on v1, compiled into a BPF device
     * program on v2 ({@link DeviceProgram} has the semantics).
     *
     * @param type   'a' (all), 'c' (char) or 'b' (block)
     * @param major  null = any ("*")
     * @param minor  null = any ("*")
     * @param access a non-empty combination of r, w and m; null = "rwm"
     */
    public record DeviceRule(boolean allow, char type, Long major, Long minor, String access) {
        public DeviceRule {
            if (type != 'a' && type != 'c' && type != 'b') {
                throw new CgroupException("cgroup: devices rule type '" + type + "' is not a, c or b");
            }
            if (access == null) {
                access = "rwm";
            }
            if (access.isEmpty() || !access.chars().allMatch(ch -> ch == 'r' || ch == 'w' || ch == 'm')) {
                throw new CgroupException("cgroup: devices rule access \"" + access
                        + "\" is not a combination of r, w and m");
            }
            if ((major != null && major < 0) || (minor != null && minor < 0)) {
                throw new CgroupException("cgroup: devices rule " + major + ":" + minor
                        + " has a negative device number");
            }
        }

        /** The devices.allow / devices.deny line: "c 1:3 rwm", "a *:* rwm". */
        String line() {
            return type + " " + (major == null ? "*" : major) + ":" + (minor == null ? "*" : minor)
                    + " " + access;
        }
    }

    private static void requireDeviceNumbers(String field, long major, long minor) {
        if (major < 0 || minor < 0) {
            throw new CgroupException("cgroup: " + field + " " + major + ":" + minor
                    + " has a negative device number");
        }
    }
}
