package dev.berth.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;

/**
 * The container process (config.md "Process"; also the process.json of {@code exec}). Not to be
 * confused with {@link java.lang.Process}: berth never starts processes through the JDK.
 *
 * @param terminal whether the process gets a pseudo-terminal
 * @param consoleSize initial terminal size; ignored unless {@code terminal} is true
 * @param user uid, gid and groups (REQUIRED)
 * @param args argv; at least one entry is REQUIRED on Linux
 * @param commandLine Windows only; kept so a round trip does not lose it
 * @param env environment, KEY=value
 * @param cwd working directory; MUST be absolute
 * @param capabilities capability sets; absent means none
 * @param rlimits resource limits, at most one per type
 * @param noNewPrivileges sets PR_SET_NO_NEW_PRIVS
 * @param apparmorProfile AppArmor profile name
 * @param oomScoreAdj value for /proc/[pid]/oom_score_adj, -1000..1000
 * @param scheduler sched_setattr(2) parameters
 * @param selinuxLabel SELinux process label
 * @param ioPriority ioprio_set(2) parameters
 */
public record Process(
        Boolean terminal,
        ConsoleSize consoleSize,
        User user,
        List<String> args,
        String commandLine,
        List<String> env,
        String cwd,
        Capabilities capabilities,
        List<Rlimit> rlimits,
        Boolean noNewPrivileges,
        String apparmorProfile,
        Integer oomScoreAdj,
        Scheduler scheduler,
        String selinuxLabel,
        IoPriority ioPriority) {

    /** {@code terminal}, absent meaning false. */
    public boolean terminalOrDefault() {
        return Boolean.TRUE.equals(terminal);
    }

    /** {@code noNewPrivileges}, absent meaning false. */
    public boolean noNewPrivilegesOrDefault() {
        return Boolean.TRUE.equals(noNewPrivileges);
    }

    /** Terminal size in character cells. */
    public record ConsoleSize(@Unsigned.Uint32 Long height, @Unsigned.Uint32 Long width) {
    }

    /**
     * The identity of the process in the container's user namespace.
     *
     * @param uid user id (REQUIRED)
     * @param gid group id (REQUIRED)
     * @param umask umask(2) of the process; absent leaves the runtime's default (0022 in runc)
     * @param additionalGids supplementary groups, set with setgroups(2)
     * @param username Windows only
     */
    public record User(
            @Unsigned.Uint32 Long uid,
            @Unsigned.Uint32 Long gid,
            @Unsigned.Uint32 Long umask,
            @JsonDeserialize(contentUsing = Unsigned.Uint32Deserializer.class) List<Long> additionalGids,
            String username) {
    }

    /** The five capability sets, as CAP_* names (see {@link Capability}). */
    public record Capabilities(
            List<String> bounding,
            List<String> effective,
            List<String> inheritable,
            List<String> permitted,
            List<String> ambient) {
    }

    /**
     * One setrlimit(2) call. The limits are uint64 in two's complement: -1L is RLIM_INFINITY.
     *
     * @param type an RLIMIT_* name (see {@link RlimitType})
     * @param hard the ceiling
     * @param soft the limit enforced; MUST NOT exceed {@code hard} (setrlimit(2): EINVAL)
     */
    public record Rlimit(String type, @Unsigned.Uint64 Long hard, @Unsigned.Uint64 Long soft) {
    }

    /**
     * ioprio_set(2) for the process.
     *
     * @param ioClass IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE (JSON {@code "class"})
     * @param priority level within the class, 0 (highest) .. 7
     */
    public record IoPriority(@JsonProperty("class") String ioClass, Integer priority) {
    }

    /**
     * sched_setattr(2) for the process.
     *
     * @param policy SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE or SCHED_DEADLINE
     * @param nice nice value for SCHED_OTHER and SCHED_BATCH
     * @param priority static priority: 1..99 for SCHED_FIFO and SCHED_RR, else 0
     * @param flags SCHED_FLAG_* names
     * @param runtime SCHED_DEADLINE runtime in nanoseconds
     * @param deadline SCHED_DEADLINE relative deadline in nanoseconds
     * @param period SCHED_DEADLINE period in nanoseconds
     */
    public record Scheduler(
            String policy,
            Integer nice,
            Integer priority,
            List<String> flags,
            @Unsigned.Uint64 Long runtime,
            @Unsigned.Uint64 Long deadline,
            @Unsigned.Uint64 Long period) {
    }
}
