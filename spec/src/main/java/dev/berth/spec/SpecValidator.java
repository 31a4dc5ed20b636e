package dev.berth.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@link Spec} against what the runtime-spec says a runtime MUST reject (config.md,
 * config-linux.md), plus the static checks runc makes before touching the kernel (its
 * libcontainer/configs/validate), so that a bad config fails at create with every problem listed
 * instead of halfway through container set-up with one errno. All problems are collected; the
 * exception has one line per problem, each starting with the JSON path of the field.
 *
 * <p>The process is required: this validates a config for {@code create}.
 */
public final class SpecValidator {

    private static final List<String> HOOK_KINDS =
            List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop");

    private SpecValidator() {
    }

    /**
     * Validates {@code spec} for a container created from {@code bundleDir} (the directory a
     * relative root.path is resolved against).
     *
     * @throws SpecException listing every problem found, one per line
     */
    public static void validate(Spec spec, Path bundleDir) throws SpecException {
        List<String> problems = problems(spec, bundleDir);
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
    }

    /** Every problem of {@code spec}, as {@code "<json path>: <what is wrong>"}; empty if valid. */
    public static List<String> problems(Spec spec, Path bundleDir) {
        Problems problems = new Problems();
        checkVersion(spec.ociVersion(), problems);
        checkRoot(spec.root(), bundleDir, problems);
        ProcessChecks.check(spec.process(), problems);
        checkUtsNames(spec, problems);
        checkMounts(spec.mounts(), problems);
        checkHooks(spec.hooks(), problems);
        checkAnnotations(spec.annotations(), problems);
        LinuxChecks.check(spec.linux(), problems);
        return problems.list();
    }

    /** config.md: ociVersion is REQUIRED and MUST be SemVer; berth implements the 1.x series. */
    private static void checkVersion(String version, Problems problems) {
        if (version == null || version.isEmpty()) {
            problems.add("ociVersion", "is required");
        } else if (!Syntax.isSemVer(version)) {
            problems.add("ociVersion", "must be a SemVer 2.0.0 version such as \"1.2.0\", got " + JsonText.quote(version));
        } else if (!version.startsWith("1.")) {
            problems.add("ociVersion", "version " + version + " is not supported (berth implements runtime-spec 1.x)");
        }
    }

    /** config.md: root is REQUIRED on Linux and "a directory MUST exist at the path". */
    private static void checkRoot(Root root, Path bundleDir, Problems problems) {
        if (!problems.required("root", root) || !problems.required("root.path", root.path())) {
            return;
        }
        if (root.path().isEmpty()) {
            problems.add("root.path", "must not be empty");
            return;
        }
        problems.noNul("root.path", root.path());
        if (root.path().indexOf('\0') >= 0) {
            return;
        }
        Path resolved = bundleDir.resolve(root.path()).normalize();
        if (!Files.exists(resolved)) {
            problems.add("root.path", "no such directory: " + resolved);
        } else if (!Files.isDirectory(resolved)) {
            problems.add("root.path", "not a directory: " + resolved);
        }
    }

    /** sethostname(2) outside a new UTS namespace would rename the host (config.md: MUST error). */
    private static void checkUtsNames(Spec spec, Problems problems) {
        boolean uts = spec.linux() != null && spec.linux().hasNamespace("uts");
        if (spec.hostname() != null && !spec.hostname().isEmpty() && !uts) {
            problems.add("hostname", "is set but linux.namespaces has no uts namespace (it would change the host's name)");
        }
        if (spec.domainname() != null && !spec.domainname().isEmpty() && !uts) {
            problems.add("domainname", "is set but linux.namespaces has no uts namespace (it would change the host's name)");
        }
        problems.noNul("hostname", spec.hostname());
        problems.noNul("domainname", spec.domainname());
    }

    /** config.md: destination is REQUIRED and, on Linux, MUST be an absolute path. */
    private static void checkMounts(List<Mount> mounts, Problems problems) {
        if (mounts == null) {
            return;
        }
        for (int i = 0; i < mounts.size(); i++) {
            String path = Problems.at("mounts", i);
            Mount mount = mounts.get(i);
            if (!problems.required(path, mount)) {
                continue;
            }
            if (problems.required(path + ".destination", mount.destination())) {
                problems.absolutePath(path + ".destination", mount.destination());
            }
            problems.noNul(path + ".source", mount.source());
            problems.noNul(path + ".type", mount.type());
            checkStrings(path + ".options", mount.options(), problems);
            checkIdMappings(path + ".uidMappings", mount.uidMappings(), problems);
            checkIdMappings(path + ".gidMappings", mount.gidMappings(), problems);
        }
    }

    /** config.md: a hook's path MUST be absolute; a timeout, if set, MUST be greater than zero. */
    private static void checkHooks(Hooks hooks, Problems problems) {
        if (hooks == null) {
            return;
        }
        List<List<Hooks.Hook>> lists = Arrays.asList(hooks.prestart(), hooks.createRuntime(),
                hooks.createContainer(), hooks.startContainer(), hooks.poststart(), hooks.poststop());
        for (int kind = 0; kind < HOOK_KINDS.size(); kind++) {
            List<Hooks.Hook> list = emptyIfNull(lists.get(kind));
            for (int i = 0; i < list.size(); i++) {
                String path = Problems.at("hooks." + HOOK_KINDS.get(kind), i);
                Hooks.Hook hook = list.get(i);
                if (!problems.required(path, hook)) {
                    continue;
                }
                if (problems.required(path + ".path", hook.path())) {
                    problems.absolutePath(path + ".path", hook.path());
                }
                if (hook.timeout() != null && hook.timeout() <= 0) {
                    problems.add(path + ".timeout", "must be greater than zero, got " + hook.timeout());
                }
                checkStrings(path + ".args", hook.args(), problems);
                ProcessChecks.checkEnv(path + ".env", hook.env(), problems);
            }
        }
    }

    /** config.md: annotation keys MUST NOT be empty; values MUST be strings. */
    private static void checkAnnotations(Map<String, String> annotations, Problems problems) {
        if (annotations == null) {
            return;
        }
        for (Map.Entry<String, String> annotation : annotations.entrySet()) {
            if (annotation.getKey().isEmpty()) {
                problems.add("annotations", "keys must not be empty");
            }
            if (annotation.getValue() == null) {
                problems.add(Problems.key("annotations", annotation.getKey()), "must be a string, got null");
            }
        }
    }

    /**
     * user_namespaces(7) mapping lines: every field is REQUIRED and the kernel rejects an empty or
     * wrapping range with EINVAL when the map is written.
     */
    static void checkIdMappings(String path, List<IdMapping> mappings, Problems problems) {
        if (mappings == null) {
            return;
        }
        for (int i = 0; i < mappings.size(); i++) {
            String at = Problems.at(path, i);
            IdMapping mapping = mappings.get(i);
            if (!problems.required(at, mapping)) {
                continue;
            }
            boolean complete = problems.required(at + ".containerID", mapping.containerID())
                    & problems.required(at + ".hostID", mapping.hostID())
                    & problems.required(at + ".size", mapping.size());
            if (!complete) {
                continue;
            }
            long end = Math.max(mapping.containerID(), mapping.hostID()) + mapping.size();
            if (mapping.size() == 0) {
                problems.add(at + ".size", "must be at least 1");
            } else if (end > Unsigned.UINT32_MAX + 1) {
                problems.add(at, "range goes past id 4294967295");
            }
        }
    }

    /** Elements of a string array: present and free of NUL bytes. */
    static void checkStrings(String path, List<String> values, Problems problems) {
        if (values == null) {
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            if (problems.required(Problems.at(path, i), values.get(i))) {
                problems.noNul(Problems.at(path, i), values.get(i));
            }
        }
    }

    static <T> List<T> emptyIfNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
