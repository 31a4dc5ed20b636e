package dev.berth.runtime.config;

import java.util.List;

/**
 * The container process, with names resolved to numbers.
 *
 * @param execCandidates where to look for args[0]: the PATH search done by the launcher,
 *                       which takes the first regular executable file
 * @param capabilities   bit masks indexed by capability number
 * @param oomScoreAdj    null when not set
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
        int consoleColumns) {

    public record RlimitConfig(String name, int resource, long soft, long hard) {
    }

    /** Five capability sets as masks; bit n is capability number n. */
    public record CapabilitySets(long bounding, long effective, long permitted, long inheritable, long ambient) {
    }
}
