package dev.berth.cgroups;

/**
 * The freezer state of a cgroup as the kernel reports it: the v1 freezer.state words, or on cgroup2
 * cgroup.freeze together with the "frozen" key of cgroup.events. The state is the effective one: a
 * cgroup whose ancestor is frozen reads FROZEN although nobody froze it directly.
 */
public enum FreezerState {
    /** Running normally. */
    THAWED,
    /** Asked to freeze, but some of its processes have not stopped yet. */
    FREEZING,
    /** Every process of the cgroup and of the cgroups below it is stopped. */
    FROZEN
}
