package dev.berth.runtime;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * What `state` reports: the OCI state (ociVersion, id, status, pid, bundle, annotations) plus the
 * fields runc adds and containerd/Podman read (rootfs, created, owner).
 *
 * @param pid host PID of the container process; 0 once it is stopped (as runc reports)
 */
public record ContainerState(
        String ociVersion,
        String id,
        ContainerStatus status,
        int pid,
        Path bundle,
        Path rootfs,
        Instant created,
        String owner,
        Map<String, String> annotations) {
}
