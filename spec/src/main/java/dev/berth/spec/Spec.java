package dev.berth.spec;

import java.util.List;
import java.util.Map;

/**
 * A container's config.json (OCI runtime-spec v1.2.0, config.md), as a runtime on Linux reads it.
 * Every field is nullable: null means "absent from the file", which the spec often gives a meaning
 * different from zero or false. Components are declared in the order runc writes them, so
 * {@link SpecWriter} output lines up with {@code runc spec}.
 *
 * @param ociVersion the runtime-spec version the bundle complies with (SemVer, REQUIRED)
 * @param process the container process; required by create, optional for other operations
 * @param root the root filesystem (REQUIRED on Linux)
 * @param hostname set with sethostname(2); needs a UTS namespace
 * @param domainname set with setdomainname(2); needs a UTS namespace
 * @param mounts extra mounts, in the order they are made
 * @param hooks lifecycle hooks
 * @param annotations arbitrary metadata
 * @param linux the Linux-specific section
 */
public record Spec(
        String ociVersion,
        Process process,
        Root root,
        String hostname,
        String domainname,
        List<Mount> mounts,
        Hooks hooks,
        Map<String, String> annotations,
        Linux linux) {

    /** This spec with another process (exec, or tools that adjust a default spec). */
    public Spec withProcess(Process newProcess) {
        return new Spec(ociVersion, newProcess, root, hostname, domainname, mounts, hooks, annotations, linux);
    }

    /** This spec with another Linux section. */
    public Spec withLinux(Linux newLinux) {
        return new Spec(ociVersion, process, root, hostname, domainname, mounts, hooks, annotations, newLinux);
    }
}
