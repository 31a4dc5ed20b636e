package dev.berth.runtime;

import dev.berth.cgroups.CgroupRecord;
import dev.berth.runtime.config.HookSet;

import java.util.Map;

/**
 * What berth keeps in ROOT/ID/state.json between CLI invocations: enough to report state, signal
 * the container and remove everything it created, without re-reading the bundle.
 *
 * @param pidStartTime field 22 of /proc/PID/stat at create time, to detect PID reuse
 * @param created      RFC 3339 UTC time of create
 */
record ContainerRecord(
        String ociVersion,
        String id,
        int pid,
        long pidStartTime,
        String bundle,
        String rootfs,
        String created,
        String owner,
        Map<String, String> annotations,
        CgroupRecord cgroup,
        HookSet hooks) {
}
