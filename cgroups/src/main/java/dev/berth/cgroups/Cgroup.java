package dev.berth.cgroups;

import java.util.List;

/** A cgroup berth created (or re-opened from its {@link CgroupRecord}), in every hierarchy it uses. */
public interface Cgroup {
    /** Driver name, controller to absolute directory, and the directories berth created (deepest last). */
    CgroupRecord record();

    /** Moves {@code pid} into the cgroup by writing its cgroup.procs in every hierarchy. */
    void addProcess(int pid);

    /**
     * The pids listed in cgroup.procs of the cgroup and of every cgroup below it (v1: read in the
     * pids hierarchy, else memory, else the first one; v2: the single directory).
     */
    List<Integer> processes();

    /** Writes only the fields of {@code resources} that are set. */
    void update(Resources resources);

    /**
     * Removes the directories berth created, deepest first, together with any child cgroups the
     * container made inside its own cgroup. Retries EBUSY briefly because a process that was just
     * killed can linger in cgroup.procs until it is reaped. Directories already gone are fine; a
     * created parent that still holds another cgroup is left in place. Throws
     * {@link CgroupException} if a cgroup still has processes.
     */
    void destroy();

    /** True while the cgroup's directory exists in at least one hierarchy. */
    boolean exists();

    /**
     * Stops every process of the cgroup and of the cgroups below it, and returns once the kernel
     * reports them all stopped. Uses the v1 freezer controller when it is mounted, else cgroup2's
     * cgroup.freeze (kernel 5.2+; on a hybrid host the unified hierarchy's). Throws
     * {@link CgroupException}, after thawing the cgroup again, if the freeze does not complete
     * within a bounded wait (10 s), or if the host has neither freezer.
     */
    void freeze();

    /**
     * Lets the processes run again. Throws {@link CgroupException} if the cgroup stays frozen
     * because an ancestor cgroup is frozen, or if the host has no freezer.
     */
    void thaw();

    /**
     * The freezer's effective state (FROZEN also when an ancestor is frozen); THAWED on a host
     * without a freezer, where nothing can be frozen. Throws {@link CgroupException} naming the
     * state file if it cannot be read, e.g. because the cgroup is gone.
     */
    FreezerState freezerState();

    /**
     * Whether {@link #kill()} can work: the cgroup has a cgroup2 directory with cgroup.kill
     * (kernel 5.14+), on a pure v2 host or in the unified hierarchy of a hybrid one.
     */
    boolean supportsKill();

    /**
     * Sends SIGKILL to every process of the cgroup and of the cgroups below it through
     * cgroup.kill, which the kernel applies atomically with respect to forks and migrations. On a
     * v1 host whose freezer holds the cgroup frozen, thaws it afterwards: tasks in the v1
     * refrigerator do not act on a signal until thawed. Returns without waiting for the processes
     * to exit (poll {@link #processes()} for that). Throws {@link CgroupException} if
     * {@link #supportsKill()} is false.
     */
    void kill();

    /**
     * Current resource usage, as {@code runc events --stats} reports it. Files the kernel does not
     * offer leave their fields null; throws {@link CgroupException} only if the cgroup no longer
     * exists, a file cannot be read, or a file does not parse.
     */
    Stats stats();

    /**
     * How many processes of the cgroup and its descendants the OOM killer has killed: the sum of
     * "oom_kill" in memory.oom_control over the cgroup and every cgroup below it on v1 (kernel
     * 4.13+; v1 counts a kill only in the victim's own cgroup), "oom_kill" of memory.events on v2
     * (already hierarchical). 0 when the memory controller or the counter is missing. The runtime
     * polls it to report OOM events, needing no eventfd.
     */
    long oomKillCount();
}
