package dev.berth.runtime.config;

import dev.berth.cgroups.Resources;
import dev.berth.spec.Linux;
import dev.berth.spec.LinuxResources;

import java.util.ArrayList;
import java.util.List;

/** linux.resources -> the cgroups module's {@link Resources}, with the device rules completed. */
final class CgroupResources {
    private CgroupResources() {
    }

    /**
     * Device access a container always has, as runc grants it (libcontainer/specconv
     * AllowedDevices): mknod of any node, the default devices, ptys and /dev/ptmx, the console.
     */
    private static final List<Resources.DeviceRule> ALWAYS_ALLOWED = List.of(
            rule('c', null, null, "m"), rule('b', null, null, "m"),
            rule('c', 1L, 3L, "rwm"), rule('c', 1L, 5L, "rwm"), rule('c', 1L, 7L, "rwm"),
            rule('c', 1L, 8L, "rwm"), rule('c', 1L, 9L, "rwm"), rule('c', 5L, 0L, "rwm"),
            rule('c', 5L, 1L, "rwm"), rule('c', 5L, 2L, "rwm"), rule('c', 136L, null, "rwm"));

    private static Resources.DeviceRule rule(char type, Long major, Long minor, String access) {
        return new Resources.DeviceRule(true, type, major, minor, access);
    }

    static Resources convert(Linux linux) {
        LinuxResources r = linux.resources();
        List<Resources.DeviceRule> devices = devices(r, linux);
        if (r == null) {
            return new Resources(null, null, null, null, null, devices, null);
        }
        return new Resources(memory(r.memory()), cpu(r.cpu()),
                r.pids() == null || r.pids().limit() == null ? null : new Resources.Pids(r.pids().limit()),
                blockIo(r.blockIO()), hugepages(r.hugepageLimits()), devices, r.unified());
    }

    private static List<Resources.DeviceRule> devices(LinuxResources r, Linux linux) {
        List<Resources.DeviceRule> rules = new ArrayList<>();
        if (r != null) {
            for (LinuxResources.DeviceRule d : SpecConverter.orEmpty(r.devices())) {
                char type = d.type() == null || d.type().isEmpty() ? 'a' : d.type().charAt(0);
                rules.add(new Resources.DeviceRule(Boolean.TRUE.equals(d.allow()), type, d.major(), d.minor(), d.access()));
            }
        }
        rules.addAll(ALWAYS_ALLOWED);
        // A device the config asks to create must also be usable.
        for (Linux.Device d : SpecConverter.orEmpty(linux.devices())) {
            char type = "b".equals(d.type()) ? 'b' : 'c';
            if (!"p".equals(d.type())) {
                rules.add(rule(type, d.major(), d.minor(), "rwm"));
            }
        }
        return rules;
    }

    /**
     * dockerd writes cpu.shares 0 and blockIO.weight 0 into every config on cgroup v1, meaning
     * "not set"; runc skips zeros, and the kernel would refuse them (ERANGE).
     */
    private static Long zeroIsUnset(Long value) {
        return value == null || value == 0 ? null : value;
    }

    private static Integer zeroIsUnset(Integer value) {
        return value == null || value == 0 ? null : value;
    }

    private static Resources.Memory memory(LinuxResources.Memory m) {
        return m == null ? null : new Resources.Memory(m.limit(), m.reservation(), m.swap(), m.kernel(),
                m.kernelTCP(), m.swappiness(), m.disableOOMKiller());
    }

    private static Resources.Cpu cpu(LinuxResources.Cpu c) {
        return c == null ? null : new Resources.Cpu(zeroIsUnset(c.shares()), c.quota(), c.period(), c.realtimeRuntime(),
                c.realtimePeriod(), c.cpus(), c.mems(), c.burst(), c.idle() == null ? null : c.idle() != 0);
    }

    private static Resources.BlockIo blockIo(LinuxResources.BlockIo b) {
        if (b == null) {
            return null;
        }
        List<Resources.WeightDevice> weights = new ArrayList<>();
        for (LinuxResources.WeightDevice w : SpecConverter.orEmpty(b.weightDevice())) {
            weights.add(new Resources.WeightDevice(w.major(), w.minor(), w.weight(), w.leafWeight()));
        }
        return new Resources.BlockIo(zeroIsUnset(b.weight()), zeroIsUnset(b.leafWeight()), weights, throttles(b.throttleReadBpsDevice()),
                throttles(b.throttleWriteBpsDevice()), throttles(b.throttleReadIOPSDevice()),
                throttles(b.throttleWriteIOPSDevice()));
    }

    private static List<Resources.ThrottleDevice> throttles(List<LinuxResources.ThrottleDevice> list) {
        List<Resources.ThrottleDevice> out = new ArrayList<>();
        for (LinuxResources.ThrottleDevice t : SpecConverter.orEmpty(list)) {
            out.add(new Resources.ThrottleDevice(t.major(), t.minor(), t.rate()));
        }
        return out;
    }

    private static List<Resources.HugepageLimit> hugepages(List<LinuxResources.HugepageLimit> list) {
        List<Resources.HugepageLimit> out = new ArrayList<>();
        for (LinuxResources.HugepageLimit h : SpecConverter.orEmpty(list)) {
            out.add(new Resources.HugepageLimit(h.pageSize(), h.limit()));
        }
        return out;
    }
}
