package dev.berth.image.config;

import java.util.List;
import java.util.Map;

/**
 * The parts of an OCI image config (image-spec config.md) that shape a container: the
 * {@code config} object plus the top-level {@code architecture} and {@code os}. Lists and maps are
 * never null (absent means empty); strings are null when absent, because image-spec gives absence
 * a meaning of its own (no User means root, no WorkingDir means "/").
 *
 * @param architecture CPU architecture the binaries target (GOARCH names, e.g. amd64)
 * @param os operating system (GOOS names, e.g. linux)
 * @param user "name", "uid", "name:group", "uid:gid" and mixes; null or empty means root
 * @param exposedPorts keys of ExposedPorts, "port/tcp", "port/udp" or bare "port"
 * @param env KEY=value entries
 * @param entrypoint argv prefix
 * @param cmd default arguments appended to the entrypoint
 * @param volumes keys of Volumes: directories expected to hold container-specific data
 * @param workingDir initial working directory
 * @param labels arbitrary metadata
 * @param stopSignal signal name or number the container should be stopped with
 */
public record ImageConfig(
        String architecture,
        String os,
        String user,
        List<String> exposedPorts,
        List<String> env,
        List<String> entrypoint,
        List<String> cmd,
        List<String> volumes,
        String workingDir,
        Map<String, String> labels,
        String stopSignal) {

    public ImageConfig {
        exposedPorts = exposedPorts == null ? List.of() : List.copyOf(exposedPorts);
        env = env == null ? List.of() : List.copyOf(env);
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
