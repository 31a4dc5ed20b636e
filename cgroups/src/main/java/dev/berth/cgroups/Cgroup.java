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
}
