package dev.berth.spec;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of {@link SpecValidator} for {@code linux.resources} (config-linux.md "Control
 * groups"): the spec's MUSTs, and value ranges the kernel would refuse with EINVAL mid-create.
 */
final class ResourceChecks {

    private static final Set<String> DEVICE_RULE_TYPES = Set.of("a", "c", "b");

    /** kernel/sched/core.c: MIN_SHARES = 2, MAX_SHARES = 1 &lt;&lt; 18; runc rejects values the kernel clamps. */
    private static final long MIN_CPU_SHARES = 2;
    private static final long MAX_CPU_SHARES = 1L << 18;

    /** kernel/sched/core.c: CFS periods and quotas are 1 ms (min_cfs_quota_period) to 1 s (max_cfs_quota_period). */
    private static final long MIN_CFS_MICROS = 1_000;
    private static final long MAX_CFS_PERIOD_MICROS = 1_000_000;

    private ResourceChecks() {
    }

    static void check(LinuxResources resources, Problems problems) {
        if (resources == null) {
            return;
        }
        checkDeviceRules(resources.devices(), problems);
        checkMemory(resources.memory(), problems);
        checkCpu(resources.cpu(), problems);
        if (resources.pids() != null) {
            problems.required("linux.resources.pids.limit", resources.pids().limit());
        }
        checkBlockIo(resources.blockIO(), problems);
        checkHugepages(resources.hugepageLimits(), problems);
        checkRdma(resources.rdma(), problems);
        checkUnified(resources.unified(), problems);
    }

    /** Device rules: allow is REQUIRED; type a, c or b; access a non-empty combination of r, w, m (runc). */
    private static void checkDeviceRules(List<LinuxResources.DeviceRule> rules, Problems problems) {
        List<LinuxResources.DeviceRule> list = SpecValidator.emptyIfNull(rules);
        for (int i = 0; i < list.size(); i++) {
            String at = Problems.at("linux.resources.devices", i);
            LinuxResources.DeviceRule rule = list.get(i);
            if (!problems.required(at, rule)) {
                continue;
            }
            problems.required(at + ".allow", rule.allow());
            if (rule.type() != null && !DEVICE_RULE_TYPES.contains(rule.type())) {
                problems.add(at + ".type", "must be a, c or b, got " + JsonText.quote(rule.type()));
            }
            String access = rule.access();
            if (access == null || access.isEmpty() || !onlyCharsOf(access, "rwm")) {
                problems.add(at + ".access", "must be a combination of r, w and m, got "
                        + (access == null ? "nothing" : JsonText.quote(access)));
            }
        }
    }

    /** Byte counts or -1 (unlimited); memory+swap cannot be below memory; swappiness 0..100. */
    private static void checkMemory(LinuxResources.Memory memory, Problems problems) {
        if (memory == null) {
            return;
        }
        String path = "linux.resources.memory";
        checkBytes(path + ".limit", memory.limit(), problems);
        checkBytes(path + ".reservation", memory.reservation(), problems);
        checkBytes(path + ".swap", memory.swap(), problems);
        checkBytes(path + ".kernel", memory.kernel(), problems);
        checkBytes(path + ".kernelTCP", memory.kernelTCP(), problems);
        Long limit = memory.limit();
        Long swap = memory.swap();
        if (limit != null && swap != null && limit > 0 && swap > 0 && swap < limit) {
            // swap is the memory+swap total (memory.memsw.limit_in_bytes), so it cannot be below limit.
            problems.add(path + ".swap", "is the memory+swap limit and must not be below memory.limit ("
                    + limit + "), got " + swap);
        }
        if (memory.swappiness() != null && Long.compareUnsigned(memory.swappiness(), 100) > 0) {
            problems.add(path + ".swappiness", "must be from 0 to 100, got " + Long.toUnsignedString(memory.swappiness()));
        }
    }

    private static void checkBytes(String path, Long value, Problems problems) {
        if (value != null && value < -1) {
            problems.add(path, "must be a byte count or -1 (unlimited), got " + value);
        }
    }

    private static void checkCpu(LinuxResources.Cpu cpu, Problems problems) {
        if (cpu == null) {
            return;
        }
        String path = "linux.resources.cpu";
        Long shares = cpu.shares();
        // 0 means "not set": dockerd writes "shares": 0 on every container, and runc skips it.
        if (shares != null && shares != 0 && (Long.compareUnsigned(shares, MIN_CPU_SHARES) < 0 || Long.compareUnsigned(shares, MAX_CPU_SHARES) > 0)) {
            problems.add(path + ".shares", "must be from 2 to 262144, got " + Long.toUnsignedString(shares));
        }
        Long quota = cpu.quota();
        if (quota != null && quota != 0 && quota != -1 && quota < MIN_CFS_MICROS) {
            problems.add(path + ".quota", "must be -1 (no limit) or at least 1000 microseconds, got " + quota);
        }
        Long period = cpu.period();
        if (period != null && period != 0 && (Long.compareUnsigned(period, MIN_CFS_MICROS) < 0
                || Long.compareUnsigned(period, MAX_CFS_PERIOD_MICROS) > 0)) {
            problems.add(path + ".period", "must be from 1000 to 1000000 microseconds, got " + Long.toUnsignedString(period));
        }
        // config-linux.md: a positive quota MUST be no smaller than burst.
        if (cpu.burst() != null && quota != null && quota > 0 && Long.compareUnsigned(cpu.burst(), quota) > 0) {
            problems.add(path + ".burst", "must not exceed quota (" + quota + "), got " + Long.toUnsignedString(cpu.burst()));
        }
        checkCpuList(path + ".cpus", cpu.cpus(), problems);
        checkCpuList(path + ".mems", cpu.mems(), problems);
        if (cpu.idle() != null && cpu.idle() != 0 && cpu.idle() != 1) {
            problems.add(path + ".idle", "must be 0 or 1, got " + cpu.idle());
        }
    }

    private static void checkCpuList(String path, String list, Problems problems) {
        if (list != null && !list.isEmpty() && !Syntax.isCpuList(list)) {
            problems.add(path, "must be a list such as \"0-3,6\", got " + JsonText.quote(list));
        }
    }

    private static void checkBlockIo(LinuxResources.BlockIo io, Problems problems) {
        if (io == null) {
            return;
        }
        String path = "linux.resources.blockIO";
        List<LinuxResources.WeightDevice> weights = SpecValidator.emptyIfNull(io.weightDevice());
        for (int i = 0; i < weights.size(); i++) {
            String at = Problems.at(path + ".weightDevice", i);
            LinuxResources.WeightDevice device = weights.get(i);
            if (!problems.required(at, device)) {
                continue;
            }
            problems.required(at + ".major", device.major());
            problems.required(at + ".minor", device.minor());
            if (device.weight() == null && device.leafWeight() == null) {
                problems.add(at, "must set weight or leafWeight (config-linux.md: at least one is REQUIRED)");
            }
        }
        checkThrottle(path + ".throttleReadBpsDevice", io.throttleReadBpsDevice(), problems);
        checkThrottle(path + ".throttleWriteBpsDevice", io.throttleWriteBpsDevice(), problems);
        checkThrottle(path + ".throttleReadIOPSDevice", io.throttleReadIOPSDevice(), problems);
        checkThrottle(path + ".throttleWriteIOPSDevice", io.throttleWriteIOPSDevice(), problems);
    }

    private static void checkThrottle(String path, List<LinuxResources.ThrottleDevice> devices, Problems problems) {
        List<LinuxResources.ThrottleDevice> list = SpecValidator.emptyIfNull(devices);
        for (int i = 0; i < list.size(); i++) {
            String at = Problems.at(path, i);
            LinuxResources.ThrottleDevice device = list.get(i);
            if (problems.required(at, device)) {
                problems.required(at + ".major", device.major());
                problems.required(at + ".minor", device.minor());
                problems.required(at + ".rate", device.rate());
            }
        }
    }

    private static void checkHugepages(List<LinuxResources.HugepageLimit> limits, Problems problems) {
        List<LinuxResources.HugepageLimit> list = SpecValidator.emptyIfNull(limits);
        for (int i = 0; i < list.size(); i++) {
            String at = Problems.at("linux.resources.hugepageLimits", i);
            LinuxResources.HugepageLimit limit = list.get(i);
            if (!problems.required(at, limit)) {
                continue;
            }
            String size = limit.pageSize();
            if (problems.required(at + ".pageSize", size) && !Syntax.isPageSize(size)) {
                problems.add(at + ".pageSize", "must look like \"2MB\" or \"1GB\", got " + JsonText.quote(size));
            }
            problems.required(at + ".limit", limit.limit());
        }
    }

    /** config-linux.md "RDMA": at least one of hcaHandles and hcaObjects MUST be set. */
    private static void checkRdma(Map<String, LinuxResources.Rdma> rdma, Problems problems) {
        if (rdma == null) {
            return;
        }
        for (Map.Entry<String, LinuxResources.Rdma> device : rdma.entrySet()) {
            LinuxResources.Rdma limits = device.getValue();
            if (limits == null || (limits.hcaHandles() == null && limits.hcaObjects() == null)) {
                problems.add(Problems.key("linux.resources.rdma", device.getKey()), "must set hcaHandles or hcaObjects");
            }
        }
    }

    /** Keys name files in the container's cgroup directory: a slash or ".." would leave it. */
    private static void checkUnified(Map<String, String> unified, Problems problems) {
        if (unified == null) {
            return;
        }
        for (Map.Entry<String, String> entry : unified.entrySet()) {
            String file = entry.getKey();
            String at = Problems.key("linux.resources.unified", file);
            if (file.isEmpty() || file.contains("/") || file.equals(".") || file.equals("..") || file.indexOf('\0') >= 0) {
                problems.add(at, "must be the name of a file in the cgroup directory");
            }
            if (entry.getValue() == null) {
                problems.add(at, "must be a string, got null");
            }
        }
    }

    private static boolean onlyCharsOf(String text, String allowed) {
        for (int i = 0; i < text.length(); i++) {
            if (allowed.indexOf(text.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }
}
