package dev.berth.cgroups;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Resource usage of a cgroup, shaped like what {@code runc events --stats} prints (runc's
 * types/events.go): field names and units are runc's, so the runtime can print it the same way.
 *
 * <p>A null field, and a null record, means the kernel does not offer the file it comes from
 * (controller not mounted or not enabled, kernel too old, swap accounting off); reading stats never
 * fails because a file is missing. Numbers are unsigned 64-bit values held in a {@code long}: a limit
 * of "max" reads as {@link #UNLIMITED}, which {@link Long#toUnsignedString(long)} prints as
 * 18446744073709551615, runc's math.MaxUint64 for the same case.
 *
 * @param cpu     CPU time and throttling
 * @param memory  memory usage and limits
 * @param pids    number of tasks and their limit
 * @param blkio   block I/O done by the cgroup and its descendants
 * @param hugetlb huge page size ("2MB", "1GB", as in the file names) to its usage; empty if none
 */
public record Stats(Cpu cpu, Memory memory, Pids pids, Blkio blkio, Map<String, Hugetlb> hugetlb) {
    /** A limit of "max": 2^64-1 when read as unsigned, as runc reports it. */
    public static final long UNLIMITED = -1L;

    public Stats {
        hugetlb = hugetlb == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(hugetlb));
    }

    /**
     * @param usage      CPU time used
     * @param throttling CFS bandwidth throttling; null when the cpu controller is not there
     */
    public record Cpu(CpuUsage usage, Throttling throttling) {}

    /**
     * All in nanoseconds, since the cgroup was created.
     *
     * @param total        all CPU time
     * @param percpu       time per possible CPU (v1 only)
     * @param percpuKernel time in kernel mode per CPU (v1 only)
     * @param percpuUser   time in user mode per CPU (v1 only)
     * @param kernel       time in kernel mode
     * @param user         time in user mode
     */
    public record CpuUsage(Long total, List<Long> percpu, List<Long> percpuKernel, List<Long> percpuUser,
                           Long kernel, Long user) {
        public CpuUsage {
            percpu = percpu == null ? null : List.copyOf(percpu);
            percpuKernel = percpuKernel == null ? null : List.copyOf(percpuKernel);
            percpuUser = percpuUser == null ? null : List.copyOf(percpuUser);
        }
    }

    /**
     * @param periods          enforcement periods that have elapsed
     * @param throttledPeriods periods in which the cgroup was throttled
     * @param throttledTime    total time throttled, in nanoseconds
     */
    public record Throttling(Long periods, Long throttledPeriods, Long throttledTime) {}

    /**
     * @param cache     page cache in bytes (v1 memory.stat "cache", v2 memory.stat "file")
     * @param usage     memory
     * @param swap      memory plus swap, as v1's memory.memsw.* counts it (on v2 the sums of the
     *                  memory and memory.swap files, as runc reports them); null without swap accounting
     * @param kernel    kernel memory (v1 memory.kmem.*)
     * @param kernelTcp TCP buffer memory (v1 memory.kmem.tcp.*)
     * @param raw       every key of memory.stat
     */
    public record Memory(Long cache, MemoryEntry usage, MemoryEntry swap, MemoryEntry kernel,
                         MemoryEntry kernelTcp, Map<String, Long> raw) {
        public Memory {
            raw = raw == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(raw));
        }
    }

    /**
     * Bytes, except the count.
     *
     * @param limit   the limit ({@link #UNLIMITED} for "max"; v1 shows a huge page-aligned number instead)
     * @param usage   current usage
     * @param max     highest usage recorded (v1 max_usage_in_bytes, v2 memory.peak)
     * @param failcnt how often the limit was hit (v1 only)
     */
    public record MemoryEntry(Long limit, Long usage, Long max, Long failcnt) {}

    /**
     * @param current tasks (threads) in the cgroup and below
     * @param limit   pids.max, {@link #UNLIMITED} for "max"
     */
    public record Pids(Long current, Long limit) {}

    /**
     * Per device and operation. v1 lists what blkio.throttle.io_service_bytes_recursive and
     * io_serviced_recursive list (Read, Write, Sync, Async, Discard, Total); v2 gives Read and
     * Write from io.stat's rbytes/wbytes and rios/wios, as runc does.
     *
     * @param ioServiceBytesRecursive bytes transferred
     * @param ioServicedRecursive     I/O operations
     */
    public record Blkio(List<BlkioEntry> ioServiceBytesRecursive, List<BlkioEntry> ioServicedRecursive) {
        public Blkio {
            ioServiceBytesRecursive = ioServiceBytesRecursive == null ? null : List.copyOf(ioServiceBytesRecursive);
            ioServicedRecursive = ioServicedRecursive == null ? null : List.copyOf(ioServicedRecursive);
        }
    }

    /** One "major:minor Op value" line. */
    public record BlkioEntry(long major, long minor, String op, long value) {}

    /**
     * @param usage   bytes of huge pages in use
     * @param max     highest usage recorded (v1 only)
     * @param failcnt allocations that failed because of the limit (v1 failcnt, v2 events "max")
     */
    public record Hugetlb(Long usage, Long max, Long failcnt) {}
}
