package dev.berth.cgroups;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds {@link Stats} from the files of a v1 cgroup (one directory per controller) or a cgroup2
 * cgroup (one directory), with the conversions runc applies so that both print alike: microseconds
 * become nanoseconds, v2's swap files are added to the memory ones (v1's memsw counts both).
 */
final class StatsReader {
    private StatsReader() {}

    /** cpuacct.stat counts in USER_HZ ticks (nsec_to_clock_t), which is 100 on every Linux ABI we run on. */
    private static final long NANOS_PER_USER_HZ_TICK = 10_000_000L;
    private static final Pattern V1_HUGETLB = Pattern.compile("hugetlb\\.([^.]+)\\.usage_in_bytes");
    private static final Pattern V2_HUGETLB = Pattern.compile("hugetlb\\.([^.]+)\\.current");

    // ---- cgroup v1 -------------------------------------------------------------------------

    /**
     * @param paths   controller to directory, as in {@link CgroupRecord#paths()}
     * @param unified the hybrid cgroup2 directory, or null; used for hugetlb when the kernel
     *                offers it only there (it is not mounted as a v1 controller)
     */
    static Stats v1(CgroupFiles files, Map<String, Path> paths, Path unified) {
        StatFiles cpuacct = new StatFiles(files, paths.get("cpuacct"));
        StatFiles cpu = new StatFiles(files, paths.get("cpu"));
        Map<String, Stats.Hugetlb> hugetlb = paths.containsKey("hugetlb")
                ? v1Hugetlb(new StatFiles(files, paths.get("hugetlb")))
                : v2Hugetlb(new StatFiles(files, unified));
        return new Stats(v1Cpu(cpuacct, cpu), v1Memory(new StatFiles(files, paths.get("memory"))),
                pids(new StatFiles(files, paths.get("pids"))), v1Blkio(new StatFiles(files, paths.get("blkio"))),
                hugetlb);
    }

    private static Stats.Cpu v1Cpu(StatFiles cpuacct, StatFiles cpu) {
        // cpuacct.usage_{user,sys} (kernel 4.7+) are nanoseconds; cpuacct.stat only has ticks.
        Long kernel = cpuacct.number("cpuacct.usage_sys");
        Long user = cpuacct.number("cpuacct.usage_user");
        if (kernel == null || user == null) {
            Map<String, Long> ticks = cpuacct.keyed("cpuacct.stat");
            if (ticks != null) {
                kernel = ticksToNanos(ticks.get("system"));
                user = ticksToNanos(ticks.get("user"));
            }
        }
        Stats.CpuUsage usage = cpuUsage(cpuacct.number("cpuacct.usage"), cpuacct.numbers("cpuacct.usage_percpu"),
                cpuacct.numbers("cpuacct.usage_percpu_sys"), cpuacct.numbers("cpuacct.usage_percpu_user"),
                kernel, user);
        Map<String, Long> stat = cpu.keyed("cpu.stat");
        Stats.Throttling throttling = stat == null ? null
                : throttling(stat.get("nr_periods"), stat.get("nr_throttled"), stat.get("throttled_time"));
        return usage == null && throttling == null ? null : new Stats.Cpu(usage, throttling);
    }

    private static Stats.Memory v1Memory(StatFiles memory) {
        Map<String, Long> stat = memory.keyed("memory.stat");
        Stats.MemoryEntry usage = v1Entry(memory, "memory.");
        Stats.MemoryEntry swap = v1Entry(memory, "memory.memsw.");
        Stats.MemoryEntry kernel = v1Entry(memory, "memory.kmem.");
        Stats.MemoryEntry kernelTcp = v1Entry(memory, "memory.kmem.tcp.");
        if (stat == null && usage == null && swap == null && kernel == null && kernelTcp == null) {
            return null;
        }
        return new Stats.Memory(stat == null ? null : stat.get("cache"), usage, swap, kernel, kernelTcp, stat);
    }

    private static Stats.MemoryEntry v1Entry(StatFiles memory, String prefix) {
        return memoryEntry(memory.number(prefix + "limit_in_bytes"), memory.number(prefix + "usage_in_bytes"),
                memory.number(prefix + "max_usage_in_bytes"), memory.number(prefix + "failcnt"));
    }

    /**
     * blk-throttle counts every bio of the cgroup whatever the I/O scheduler, unlike the CFQ/BFQ
     * files (which read "Total 0" when the device uses another scheduler); the _recursive files
     * (kernel 4.x+) include descendants, as a container's stats must.
     */
    private static Stats.Blkio v1Blkio(StatFiles blkio) {
        List<Stats.BlkioEntry> bytes = v1BlkioEntries(blkio, "blkio.throttle.io_service_bytes");
        List<Stats.BlkioEntry> ios = v1BlkioEntries(blkio, "blkio.throttle.io_serviced");
        return bytes == null && ios == null ? null : new Stats.Blkio(bytes, ios);
    }

    private static List<Stats.BlkioEntry> v1BlkioEntries(StatFiles blkio, String base) {
        String name = base + "_recursive";
        String text = blkio.text(name);
        if (text == null) {
            name = base;
            text = blkio.text(name);
        }
        if (text == null) {
            return null;
        }
        List<Stats.BlkioEntry> entries = new ArrayList<>();
        for (String line : text.lines().toList()) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length == 2 && fields[0].equals("Total")) {
                continue; // the grand total over all devices: runc leaves it out too
            }
            if (fields.length != 3) {
                throw blkio.malformed(name, line, "expected \"major:minor Op value\"");
            }
            long[] device = blkio.device(fields[0], name, line);
            entries.add(new Stats.BlkioEntry(device[0], device[1], fields[1], blkio.parse(fields[2], name, line)));
        }
        return entries;
    }

    private static Map<String, Stats.Hugetlb> v1Hugetlb(StatFiles hugetlb) {
        Map<String, Stats.Hugetlb> sizes = new TreeMap<>();
        for (String file : hugetlb.names()) {
            Matcher m = V1_HUGETLB.matcher(file);
            if (m.matches()) {
                String prefix = "hugetlb." + m.group(1) + ".";
                sizes.put(m.group(1), new Stats.Hugetlb(hugetlb.number(file),
                        hugetlb.number(prefix + "max_usage_in_bytes"), hugetlb.number(prefix + "failcnt")));
            }
        }
        return sizes;
    }

    // ---- cgroup v2 -------------------------------------------------------------------------

    static Stats v2(CgroupFiles files, Path dir) {
        StatFiles f = new StatFiles(files, dir);
        return new Stats(v2Cpu(f), v2Memory(f), pids(f), v2Io(f), v2Hugetlb(f));
    }

    /** cpu.stat is a core file (usage only); the throttling keys appear with the cpu controller. */
    private static Stats.Cpu v2Cpu(StatFiles f) {
        Map<String, Long> stat = f.keyed("cpu.stat");
        if (stat == null) {
            return null;
        }
        Stats.CpuUsage usage = cpuUsage(micros(stat.get("usage_usec")), null, null, null,
                micros(stat.get("system_usec")), micros(stat.get("user_usec")));
        Stats.Throttling throttling = throttling(stat.get("nr_periods"), stat.get("nr_throttled"),
                micros(stat.get("throttled_usec")));
        return usage == null && throttling == null ? null : new Stats.Cpu(usage, throttling);
    }

    /**
     * memory.peak is kernel 5.19+. v2 swap files count swap alone; runc reports mem+swap like
     * v1's memsw, so the entry is the sum (unlimited if either limit is "max").
     */
    private static Stats.Memory v2Memory(StatFiles f) {
        Map<String, Long> stat = f.keyed("memory.stat");
        Long current = f.number("memory.current");
        Stats.MemoryEntry usage = memoryEntry(f.number("memory.max"), current, f.number("memory.peak"), null);
        Long swapCurrent = f.number("memory.swap.current");
        Stats.MemoryEntry swap = null;
        if (swapCurrent != null && current != null) {
            Long swapMax = f.number("memory.swap.max");
            Long memoryMax = usage.limit();
            Long limit = swapMax == null || memoryMax == null ? null
                    : swapMax == Stats.UNLIMITED || memoryMax == Stats.UNLIMITED ? Stats.UNLIMITED
                    : swapMax + memoryMax;
            swap = new Stats.MemoryEntry(limit, swapCurrent + current, null, null);
        }
        if (stat == null && usage == null) {
            return null;
        }
        return new Stats.Memory(stat == null ? null : stat.get("file"), usage, swap, null, null, stat);
    }

    /** io.stat lines: "major:minor rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N [more keys]". */
    private static Stats.Blkio v2Io(StatFiles f) {
        String text = f.text("io.stat");
        if (text == null) {
            return null;
        }
        List<Stats.BlkioEntry> bytes = new ArrayList<>();
        List<Stats.BlkioEntry> ios = new ArrayList<>();
        for (String line : text.lines().filter(l -> !l.isBlank()).toList()) {
            String[] fields = line.strip().split("\\s+");
            long[] device = f.device(fields[0], "io.stat", line);
            Map<String, Long> values = new TreeMap<>();
            for (String field : Arrays.asList(fields).subList(1, fields.length)) {
                int eq = field.indexOf('=');
                String key = eq < 0 ? field : field.substring(0, eq);
                if (eq > 0 && List.of("rbytes", "wbytes", "rios", "wios").contains(key)) {
                    values.put(key, f.parse(field.substring(eq + 1), "io.stat", line));
                }
            }
            addIo(bytes, device, "Read", values.get("rbytes"));
            addIo(bytes, device, "Write", values.get("wbytes"));
            addIo(ios, device, "Read", values.get("rios"));
            addIo(ios, device, "Write", values.get("wios"));
        }
        return new Stats.Blkio(bytes, ios);
    }

    private static void addIo(List<Stats.BlkioEntry> entries, long[] device, String op, Long value) {
        if (value != null) {
            entries.add(new Stats.BlkioEntry(device[0], device[1], op, value));
        }
    }

    /** hugetlb.SIZE.current and .events ("max N": allocations refused by the limit); no peak file on v2. */
    private static Map<String, Stats.Hugetlb> v2Hugetlb(StatFiles f) {
        Map<String, Stats.Hugetlb> sizes = new TreeMap<>();
        for (String file : f.names()) {
            Matcher m = V2_HUGETLB.matcher(file);
            if (m.matches()) {
                sizes.put(m.group(1), new Stats.Hugetlb(f.number(file), null,
                        f.key("hugetlb." + m.group(1) + ".events", "max")));
            }
        }
        return sizes;
    }

    // ---- shared ----------------------------------------------------------------------------

    private static Stats.Pids pids(StatFiles f) {
        Long current = f.number("pids.current");
        Long limit = f.number("pids.max");
        return current == null && limit == null ? null : new Stats.Pids(current, limit);
    }

    private static Stats.CpuUsage cpuUsage(Long total, List<Long> percpu, List<Long> percpuKernel,
                                           List<Long> percpuUser, Long kernel, Long user) {
        if (total == null && percpu == null && percpuKernel == null && percpuUser == null && kernel == null
                && user == null) {
            return null;
        }
        return new Stats.CpuUsage(total, percpu, percpuKernel, percpuUser, kernel, user);
    }

    private static Stats.Throttling throttling(Long periods, Long throttledPeriods, Long throttledTime) {
        return periods == null && throttledPeriods == null && throttledTime == null ? null
                : new Stats.Throttling(periods, throttledPeriods, throttledTime);
    }

    private static Stats.MemoryEntry memoryEntry(Long limit, Long usage, Long max, Long failcnt) {
        return limit == null && usage == null && max == null && failcnt == null ? null
                : new Stats.MemoryEntry(limit, usage, max, failcnt);
    }

    private static Long micros(Long value) {
        return value == null ? null : value * 1000;
    }

    private static Long ticksToNanos(Long ticks) {
        return ticks == null ? null : ticks * NANOS_PER_USER_HZ_TICK;
    }
}
