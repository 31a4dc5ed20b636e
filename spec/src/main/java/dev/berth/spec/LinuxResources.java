package dev.berth.spec;

import java.util.List;
import java.util.Map;

/**
 * cgroup limits (config-linux.md "Control groups"). Memory values are int64 bytes where -1 means
 * unlimited; fields marked {@link Unsigned.Uint64} hold uint64 in two's complement.
 *
 * @param devices device allow/deny rules, applied in order
 * @param memory memory controller settings
 * @param cpu cpu and cpuset controller settings
 * @param pids pids controller settings
 * @param blockIO blkio (v1) / io (v2) controller settings
 * @param hugepageLimits hugetlb controller settings
 * @param network net_cls and net_prio settings
 * @param rdma rdma controller settings, keyed by device name
 * @param unified raw cgroup v2 files to write, keyed by file name
 */
public record LinuxResources(
        List<DeviceRule> devices,
        Memory memory,
        Cpu cpu,
        Pids pids,
        BlockIo blockIO,
        List<HugepageLimit> hugepageLimits,
        Network network,
        Map<String, Rdma> rdma,
        Map<String, String> unified) {

    /**
     * One rule of the device controller.
     *
     * @param allow allow or deny (REQUIRED)
     * @param type a (all), c or b; absent means a
     * @param major absent means any
     * @param minor absent means any
     * @param access a combination of r, w and m
     */
    public record DeviceRule(Boolean allow, String type, Long major, Long minor, String access) {
    }

    /**
     * Memory controller settings, bytes or -1 for unlimited.
     *
     * @param limit memory.limit_in_bytes / memory.max
     * @param reservation soft limit: memory.soft_limit_in_bytes / memory.low
     * @param swap memory plus swap: memory.memsw.limit_in_bytes (v2 converts to memory.swap.max)
     * @param kernel deprecated kernel memory limit (ignored by runc since 1.1)
     * @param kernelTCP kernel TCP buffer limit (v1 only)
     * @param swappiness 0..100
     * @param disableOOMKiller true disables the OOM killer for the cgroup (v1 only)
     * @param useHierarchy v1 hierarchical accounting
     * @param checkBeforeUpdate refuse an update to a limit below current usage
     */
    public record Memory(
            Long limit,
            Long reservation,
            Long swap,
            Long kernel,
            Long kernelTCP,
            @Unsigned.Uint64 Long swappiness,
            Boolean disableOOMKiller,
            Boolean useHierarchy,
            Boolean checkBeforeUpdate) {
    }

    /**
     * cpu and cpuset controller settings; times in microseconds.
     *
     * @param shares relative weight (v1 cpu.shares, 2..262144)
     * @param quota CFS quota per period; -1 for none
     * @param burst CFS burst; MUST NOT exceed a positive quota
     * @param period CFS period
     * @param realtimeRuntime RT runtime per period
     * @param realtimePeriod RT period
     * @param cpus cpuset.cpus list, e.g. "0-3,6"
     * @param mems cpuset.mems list
     * @param idle 1 makes the cgroup SCHED_IDLE (v2 cpu.idle)
     */
    public record Cpu(
            @Unsigned.Uint64 Long shares,
            Long quota,
            @Unsigned.Uint64 Long burst,
            @Unsigned.Uint64 Long period,
            Long realtimeRuntime,
            @Unsigned.Uint64 Long realtimePeriod,
            String cpus,
            String mems,
            Long idle) {
    }

    /** @param limit maximum number of tasks (REQUIRED); 0 or -1 mean no limit in runc */
    public record Pids(Long limit) {
    }

    /**
     * blkio / io controller settings.
     *
     * @param weight default weight for all devices
     * @param leafWeight weight against child cgroups (CFQ only)
     * @param weightDevice per-device weights
     * @param throttleReadBpsDevice read bytes per second, per device
     * @param throttleWriteBpsDevice write bytes per second, per device
     * @param throttleReadIOPSDevice read operations per second, per device
     * @param throttleWriteIOPSDevice write operations per second, per device
     */
    public record BlockIo(
            @Unsigned.Uint16 Integer weight,
            @Unsigned.Uint16 Integer leafWeight,
            List<WeightDevice> weightDevice,
            List<ThrottleDevice> throttleReadBpsDevice,
            List<ThrottleDevice> throttleWriteBpsDevice,
            List<ThrottleDevice> throttleReadIOPSDevice,
            List<ThrottleDevice> throttleWriteIOPSDevice) {
    }

    /** A per-device weight; at least one of weight and leafWeight MUST be set. */
    public record WeightDevice(
            Long major,
            Long minor,
            @Unsigned.Uint16 Integer weight,
            @Unsigned.Uint16 Integer leafWeight) {
    }

    /** A per-device rate limit. */
    public record ThrottleDevice(Long major, Long minor, @Unsigned.Uint64 Long rate) {
    }

    /**
     * A hugetlb limit.
     *
     * @param pageSize "&lt;size&gt;&lt;unit&gt;B", e.g. "2MB", "1GB", "64KB"
     * @param limit bytes
     */
    public record HugepageLimit(String pageSize, @Unsigned.Uint64 Long limit) {
    }

    /** net_cls class id and net_prio per-interface priorities. */
    public record Network(@Unsigned.Uint32 Long classID, List<InterfacePriority> priorities) {
    }

    /** Priority of traffic leaving through interface {@code name}. */
    public record InterfacePriority(String name, @Unsigned.Uint32 Long priority) {
    }

    /** rdma controller limits for one device; at least one MUST be set. */
    public record Rdma(@Unsigned.Uint32 Long hcaHandles, @Unsigned.Uint32 Long hcaObjects) {
    }
}
