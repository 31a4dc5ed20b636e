package dev.berth.runtime.config;

import dev.berth.spec.Linux;
import dev.berth.spec.Process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * process.scheduler, process.ioPriority, linux.personality and linux.timeOffsets: names resolved to
 * the kernel's numbers. SpecValidator has checked the spec's rules (ranges, which fields go with
 * which policy); what is refused here is what the kernel cannot do or the spec cannot express.
 * Each problem names its field.
 */
final class ProcessDetails {
    /** SCHED_* of {@code <linux/sched.h>}, indexed by number; 4 is SCHED_ISO, reserved but never implemented. */
    private static final List<String> POLICIES = List.of(
            "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE");
    private static final int SCHED_ISO = 4;
    /** SCHED_FLAG_* of {@code <linux/sched.h>}: bit n is the n-th name. */
    private static final List<String> FLAGS = List.of(
            "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
            "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX");
    /** IOPRIO_CLASS_* of {@code <linux/ioprio.h>}, indexed by number (0 is NONE). */
    private static final List<String> IO_CLASSES = List.of(
            "IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE");
    /** PER_LINUX and PER_LINUX32 of {@code <sys/personality.h>}. */
    private static final long PER_LINUX = 0x0000;
    private static final long PER_LINUX32 = 0x0008;

    private ProcessDetails() {
    }

    static ProcessConfig.SchedulerConfig scheduler(Process.Scheduler s, List<String> problems) {
        if (s == null) {
            return null;
        }
        int policy = s.policy() == null ? -1 : POLICIES.indexOf(s.policy());
        if (policy < 0) {
            problems.add("process.scheduler.policy: must be one of " + String.join(", ", POLICIES) + ", got " + s.policy());
            return null;
        }
        if (policy == SCHED_ISO) {
            // sched(7): SCHED_ISO is reserved in the ABI; the kernel answers EINVAL.
            problems.add("process.scheduler.policy: SCHED_ISO is not implemented by the Linux kernel");
            return null;
        }
        long flags = 0;
        List<String> names = SpecConverter.orEmpty(s.flags());
        for (int i = 0; i < names.size(); i++) {
            int bit = FLAGS.indexOf(names.get(i));
            if (bit < 0) {
                problems.add("process.scheduler.flags[" + i + "]: unknown flag " + names.get(i));
            } else if (names.get(i).startsWith("SCHED_FLAG_UTIL_CLAMP")) {
                // The clamps need sched_util_min/max (sched_setattr(2)), which the OCI spec has no field for.
                problems.add("process.scheduler.flags[" + i + "]: " + names.get(i)
                        + " needs a utilization value the OCI spec cannot carry");
            } else {
                flags |= 1L << bit;
            }
        }
        int nice = s.nice() == null ? 0 : s.nice();
        if (nice < -20 || nice > 19) {
            problems.add("process.scheduler.nice: must be from -20 to 19, got " + nice);
        }
        int priority = s.priority() == null ? 0 : s.priority();
        if (priority < 0 || priority > 99) {
            problems.add("process.scheduler.priority: must be from 0 to 99, got " + priority);
        }
        return new ProcessConfig.SchedulerConfig(s.policy(), policy, flags, nice, priority,
                orZero(s.runtime()), orZero(s.deadline()), orZero(s.period()));
    }

    static ProcessConfig.IoPriorityConfig ioPriority(Process.IoPriority io, List<String> problems) {
        if (io == null) {
            return null;
        }
        int ioClass = io.ioClass() == null ? -1 : IO_CLASSES.indexOf(io.ioClass());
        if (ioClass < 1) {
            problems.add("process.ioPriority.class: must be IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE, got "
                    + io.ioClass());
            return null;
        }
        // ioprio_set(2): levels 0..7 (IOPRIO_NR_LEVELS); the idle class has none, 0 is passed.
        int level = io.priority() == null ? 0 : io.priority();
        if (level < 0 || level > 7) {
            problems.add("process.ioPriority.priority: must be from 0 to 7, got " + level);
            return null;
        }
        return new ProcessConfig.IoPriorityConfig(io.ioClass(), ioClass, level);
    }

    static ContainerConfig.Personality personality(Linux.Personality p, List<String> problems) {
        if (p == null) {
            return null;
        }
        long persona;
        if ("LINUX".equals(p.domain())) {
            persona = PER_LINUX;
        } else if ("LINUX32".equals(p.domain())) {
            persona = PER_LINUX32;
        } else {
            problems.add("linux.personality.domain: must be LINUX or LINUX32, got " + p.domain());
            return null;
        }
        List<String> flags = SpecConverter.orEmpty(p.flags());
        if (!flags.isEmpty()) {
            // config-linux.md defines no personality flags yet; guessing at names would be worse.
            problems.add("linux.personality.flags: the OCI spec defines no flags, got " + flags);
        }
        return new ContainerConfig.Personality(p.domain(), persona);
    }

    /**
     * time_namespaces(7): offsets exist for CLOCK_MONOTONIC and CLOCK_BOOTTIME only, and the
     * nanoseconds must be below one second (the kernel answers ERANGE/EINVAL otherwise).
     */
    static List<ContainerConfig.TimeOffset> timeOffsets(Map<String, Linux.TimeOffset> offsets, List<String> problems) {
        List<ContainerConfig.TimeOffset> out = new ArrayList<>();
        if (offsets == null) {
            return out;
        }
        offsets.forEach((clock, offset) -> {
            String field = "linux.timeOffsets." + clock;
            if (!clock.equals("monotonic") && !clock.equals("boottime")) {
                problems.add(field + ": only \"monotonic\" and \"boottime\" have offsets");
                return;
            }
            long secs = offset == null || offset.secs() == null ? 0 : offset.secs();
            long nanos = offset == null || offset.nanosecs() == null ? 0 : offset.nanosecs();
            if (nanos < 0 || nanos >= 1_000_000_000L) {
                problems.add(field + ".nanosecs: must be from 0 to 999999999, got " + nanos);
                return;
            }
            out.add(new ContainerConfig.TimeOffset(clock, secs, nanos));
        });
        return List.copyOf(out);
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
