package dev.berth.runtime.config;

import java.util.List;

/**
 * The container process, with names resolved to numbers.
 *
 * @param execCandidates where to look for args[0]: the PATH search done by the launcher,
 *                       which takes the first regular executable file
 * @param capabilities   bit masks indexed by capability number
 * @param oomScoreAdj    null when not set
 * @param scheduler      null when not set (the policy inherited from berth stays)
 * @param ioPriority     null when not set
 */
public record ProcessConfig(
        List<String> args,
        List<String> env,
        String cwd,
        long uid,
        long gid,
        List<Long> additionalGids,
        Integer umask,
        List<RlimitConfig> rlimits,
        Integer oomScoreAdj,
        boolean noNewPrivileges,
        CapabilitySets capabilities,
        List<String> execCandidates,
        boolean terminal,
        int consoleRows,
        int consoleColumns,
        SchedulerConfig scheduler,
        IoPriorityConfig ioPriority) {

    /**
     * sched_setattr(2) values, numbers of {@code <linux/sched.h>}.
     *
     * @param policyName as the config spelled it (SCHED_FIFO), for messages
     */
    public record SchedulerConfig(String policyName, int policy, long flags, int nice, int priority,
                                  long runtime, long deadline, long period) {
    }

    /** ioprio_set(2) values: class 1 RT, 2 BE, 3 IDLE ({@code <linux/ioprio.h>}), level 0..7. */
    public record IoPriorityConfig(String className, int ioClass, int level) {
    }

    public record RlimitConfig(String name, int resource, long soft, long hard) {
    }

    /** Five capability sets as masks; bit n is capability number n. */
    public record CapabilitySets(long bounding, long effective, long permitted, long inheritable, long ambient) {
    }
}
