package dev.berth.spec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The checks of {@link SpecValidator} for {@code process} (config.md "Process"). */
final class ProcessChecks {

    private static final Set<String> IO_PRIORITY_CLASSES = Set.of("IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE");

    private static final Set<String> SCHEDULER_POLICIES = Set.of(
            "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE");

    private static final Set<String> SCHEDULER_FLAGS = Set.of(
            "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
            "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX");

    private ProcessChecks() {
    }

    static void check(Process process, Problems problems) {
        if (!problems.required("process", process)) {
            return;
        }
        checkArgs(process.args(), problems);
        checkCwd(process.cwd(), problems);
        checkEnv("process.env", process.env(), problems);
        checkUser(process.user(), problems);
        checkCapabilities(process.capabilities(), problems);
        checkRlimits(process.rlimits(), problems);
        Integer oomScoreAdj = process.oomScoreAdj();
        if (oomScoreAdj != null && (oomScoreAdj < -1000 || oomScoreAdj > 1000)) {
            // proc(5): oom_score_adj ranges from -1000 (OOM_SCORE_ADJ_MIN) to +1000; the write fails otherwise.
            problems.add("process.oomScoreAdj", "must be from -1000 to 1000, got " + oomScoreAdj);
        }
        checkIoPriority(process.ioPriority(), problems);
        checkScheduler(process.scheduler(), problems);
    }

    /** config.md: args is REQUIRED on Linux with at least one entry (execve(2) needs argv[0]). */
    private static void checkArgs(List<String> args, Problems problems) {
        if (args == null || args.isEmpty()) {
            problems.add("process.args", "must contain at least one entry (the program to run)");
            return;
        }
        SpecValidator.checkStrings("process.args", args, problems);
    }

    /** config.md: cwd is REQUIRED and MUST be an absolute path. */
    private static void checkCwd(String cwd, Problems problems) {
        if (cwd == null || cwd.isEmpty()) {
            problems.add("process.cwd", "is required");
            return;
        }
        problems.absolutePath("process.cwd", cwd);
    }

    /** environ(7) entries are NAME=value; runc rejects an entry without '=' or with an empty name. */
    static void checkEnv(String path, List<String> env, Problems problems) {
        if (env == null) {
            return;
        }
        for (int i = 0; i < env.size(); i++) {
            String entry = env.get(i);
            String at = Problems.at(path, i);
            if (!problems.required(at, entry)) {
                continue;
            }
            if (entry.indexOf('=') <= 0) {
                problems.add(at, "must have the form NAME=value, got " + JsonText.quote(entry));
            }
            problems.noNul(at, entry);
        }
    }

    /** config.md: user.uid and user.gid are REQUIRED on Linux. */
    private static void checkUser(Process.User user, Problems problems) {
        if (!problems.required("process.user", user)) {
            return;
        }
        problems.required("process.user.uid", user.uid());
        problems.required("process.user.gid", user.gid());
        List<Long> groups = user.additionalGids();
        if (groups != null) {
            for (int i = 0; i < groups.size(); i++) {
                problems.required(Problems.at("process.user.additionalGids", i), groups.get(i));
            }
        }
    }

    /** Names must be ones berth can turn into a capability number (capabilities(7)). */
    private static void checkCapabilities(Process.Capabilities caps, Problems problems) {
        if (caps == null) {
            return;
        }
        checkCapabilitySet("bounding", caps.bounding(), problems);
        checkCapabilitySet("effective", caps.effective(), problems);
        checkCapabilitySet("inheritable", caps.inheritable(), problems);
        checkCapabilitySet("permitted", caps.permitted(), problems);
        checkCapabilitySet("ambient", caps.ambient(), problems);
    }

    private static void checkCapabilitySet(String set, List<String> names, Problems problems) {
        if (names == null) {
            return;
        }
        for (int i = 0; i < names.size(); i++) {
            String at = Problems.at("process.capabilities." + set, i);
            String name = names.get(i);
            if (problems.required(at, name) && Capability.byName(name).isEmpty()) {
                problems.add(at, "unknown capability " + JsonText.quote(name)
                        + " (known: CAP_CHOWN .. CAP_CHECKPOINT_RESTORE)");
            }
        }
    }

    /**
     * config.md: an rlimit type the kernel does not know and a type listed twice MUST be errors;
     * setrlimit(2) fails with EINVAL when soft exceeds hard.
     */
    private static void checkRlimits(List<Process.Rlimit> rlimits, Problems problems) {
        if (rlimits == null) {
            return;
        }
        Map<String, String> firstSeen = new HashMap<>();
        for (int i = 0; i < rlimits.size(); i++) {
            String at = Problems.at("process.rlimits", i);
            Process.Rlimit rlimit = rlimits.get(i);
            if (!problems.required(at, rlimit)) {
                continue;
            }
            String type = rlimit.type();
            if (problems.required(at + ".type", type)) {
                if (RlimitType.byName(type).isEmpty()) {
                    problems.add(at + ".type", "unknown rlimit type " + JsonText.quote(type));
                } else if (firstSeen.containsKey(type)) {
                    problems.add(at + ".type", "duplicate " + type + " (also at " + firstSeen.get(type) + ")");
                } else {
                    firstSeen.put(type, at);
                }
            }
            boolean both = problems.required(at + ".hard", rlimit.hard()) & problems.required(at + ".soft", rlimit.soft());
            if (both && Long.compareUnsigned(rlimit.soft(), rlimit.hard()) > 0) {
                problems.add(at, "soft limit " + Long.toUnsignedString(rlimit.soft())
                        + " exceeds hard limit " + Long.toUnsignedString(rlimit.hard()));
            }
        }
    }

    /** ioprio_set(2): three classes, levels 0..7 (IOPRIO_NR_LEVELS); anything else is EINVAL. */
    private static void checkIoPriority(Process.IoPriority io, Problems problems) {
        if (io == null) {
            return;
        }
        if (problems.required("process.ioPriority.class", io.ioClass()) && !IO_PRIORITY_CLASSES.contains(io.ioClass())) {
            problems.add("process.ioPriority.class", "must be IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE, got "
                    + JsonText.quote(io.ioClass()));
        }
        if (problems.required("process.ioPriority.priority", io.priority()) && (io.priority() < 0 || io.priority() > 7)) {
            problems.add("process.ioPriority.priority", "must be from 0 to 7, got " + io.priority());
        }
    }

    /**
     * sched(7)/sched_setattr(2): a static priority of 1..99 only for SCHED_FIFO and SCHED_RR (0
     * otherwise), runtime/deadline/period only for SCHED_DEADLINE with runtime <= deadline <=
     * period; runc also bounds nice to -20..19.
     */
    private static void checkScheduler(Process.Scheduler scheduler, Problems problems) {
        if (scheduler == null) {
            return;
        }
        String policy = scheduler.policy();
        if (!problems.required("process.scheduler.policy", policy)) {
            return;
        }
        if (!SCHEDULER_POLICIES.contains(policy)) {
            problems.add("process.scheduler.policy", "unknown policy " + JsonText.quote(policy));
        }
        List<String> flags = SpecValidator.emptyIfNull(scheduler.flags());
        for (int i = 0; i < flags.size(); i++) {
            if (!SCHEDULER_FLAGS.contains(flags.get(i))) {
                problems.add(Problems.at("process.scheduler.flags", i), "unknown flag " + quoteOrNull(flags.get(i)));
            }
        }
        if (scheduler.nice() != null && (scheduler.nice() < -20 || scheduler.nice() > 19)) {
            problems.add("process.scheduler.nice", "must be from -20 to 19, got " + scheduler.nice());
        }
        int priority = scheduler.priority() == null ? 0 : scheduler.priority();
        boolean realtime = policy.equals("SCHED_FIFO") || policy.equals("SCHED_RR");
        if (realtime && (priority < 1 || priority > 99)) {
            problems.add("process.scheduler.priority", "must be from 1 to 99 for " + policy + ", got " + priority);
        } else if (!realtime && priority != 0) {
            problems.add("process.scheduler.priority", "can only be set for SCHED_FIFO or SCHED_RR");
        }
        checkDeadline(scheduler, policy.equals("SCHED_DEADLINE"), problems);
    }

    private static void checkDeadline(Process.Scheduler scheduler, boolean deadlinePolicy, Problems problems) {
        long runtime = scheduler.runtime() == null ? 0 : scheduler.runtime();
        long deadline = scheduler.deadline() == null ? 0 : scheduler.deadline();
        long period = scheduler.period() == null ? 0 : scheduler.period();
        if (!deadlinePolicy) {
            if (runtime != 0 || deadline != 0 || period != 0) {
                problems.add("process.scheduler", "runtime, deadline and period can only be set for SCHED_DEADLINE");
            }
            return;
        }
        if (deadline == 0) {
            problems.add("process.scheduler.deadline", "is required for SCHED_DEADLINE");
        } else if (Long.compareUnsigned(runtime, deadline) > 0) {
            problems.add("process.scheduler.runtime", "must not exceed deadline (" + Long.toUnsignedString(deadline) + ")");
        }
        if (period != 0 && Long.compareUnsigned(deadline, period) > 0) {
            problems.add("process.scheduler.deadline", "must not exceed period (" + Long.toUnsignedString(period) + ")");
        }
    }

    private static String quoteOrNull(String value) {
        return value == null ? "null" : JsonText.quote(value);
    }
}
