package dev.berth.image.config;

import dev.berth.spec.DefaultSpec;
import dev.berth.spec.Process;
import dev.berth.spec.Root;
import dev.berth.spec.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns an image config into a runtime spec, following image-spec conversion.md, with Docker's
 * rules for command-line overrides. Everything the image does not describe (mounts, namespaces,
 * capabilities, rlimits, masked paths) comes from {@link DefaultSpec#create(boolean)}.
 */
public final class RuntimeSpecs {

    /** conversion.md: the annotation carrying StopSignal. */
    public static final String STOP_SIGNAL = "org.opencontainers.image.stopSignal";
    /** conversion.md: the annotation carrying ExposedPorts keys, comma-separated. */
    public static final String EXPOSED_PORTS = "org.opencontainers.image.exposedPorts";
    /** conversion.md: the annotations carrying the image's platform. */
    public static final String ARCHITECTURE = "org.opencontainers.image.architecture";
    public static final String OS = "org.opencontainers.image.os";
    /** Volumes have no conversion.md annotation; berth records them under its own namespace. */
    public static final String VOLUMES = "dev.berth.image.volumes";
    /** The PATH Docker (and runc spec) set when the image has none. */
    public static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private RuntimeSpecs() {
    }

    /**
     * The spec for running {@code image} on {@code rootfs} (already unpacked), with {@code overrides}.
     *
     * @throws ImageConfigException when no command results, WorkingDir is relative, or the user or
     *         group cannot be resolved in the rootfs
     */
    public static Spec fromImage(ImageConfig image, Path rootfs, Overrides overrides) throws ImageConfigException {
        return fromImage(image, rootfs, rootfs.toString(), overrides);
    }

    /**
     * As {@link #fromImage(ImageConfig, Path, Overrides)}, with root.path set to {@code rootPath}:
     * a bundle's config.json says "rootfs", relative to the bundle (runtime-spec config.md allows it,
     * and the bundle can then be moved), while users and groups are still looked up in {@code rootfs}.
     */
    public static Spec fromImage(ImageConfig image, Path rootfs, String rootPath, Overrides overrides)
            throws ImageConfigException {
        Overrides given = overrides == null ? Overrides.NONE : overrides;
        Spec base = DefaultSpec.create(false);
        Process defaults = base.process();
        String user = given.user() != null ? given.user() : image.user();
        Process process = new Process(false, null, UserResolver.resolve(user, rootfs), args(image, given), null,
                env(image.env(), given.env()), cwd(image, given), defaults.capabilities(), defaults.rlimits(),
                defaults.noNewPrivileges(), null, null, null, null, null);
        // Docker gives containers a writable root; a read-only one is an explicit user choice.
        Root root = new Root(rootPath, false);
        return new Spec(base.ociVersion(), process, root, base.hostname(), base.domainname(), base.mounts(),
                base.hooks(), annotations(image), base.linux());
    }

    /**
     * conversion.md: args = Entrypoint + Cmd. Docker: a new entrypoint discards the image's Cmd
     * (the Cmd was written for the old entrypoint); a new cmd keeps the image's Entrypoint.
     */
    static List<String> args(ImageConfig image, Overrides given) throws ImageConfigException {
        List<String> entrypoint = given.entrypoint() != null ? given.entrypoint() : image.entrypoint();
        List<String> cmd;
        if (given.cmd() != null) {
            cmd = given.cmd();
        } else {
            cmd = given.entrypoint() != null ? List.of() : image.cmd();
        }
        List<String> args = new ArrayList<>(entrypoint);
        args.addAll(cmd);
        if (args.isEmpty()) {
            throw new ImageConfigException("no command to run: image config has neither Entrypoint nor Cmd"
                    + " and no entrypoint or command was given");
        }
        return List.copyOf(args);
    }

    /** Image Env, then overrides replacing entries of the same name; PATH added when absent. */
    static List<String> env(List<String> imageEnv, List<String> overrideEnv) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String entry : imageEnv) {
            byName.put(envName(entry), entry);
        }
        if (overrideEnv != null) {
            for (String entry : overrideEnv) {
                byName.put(envName(entry), entry);
            }
        }
        List<String> env = new ArrayList<>();
        if (!byName.containsKey("PATH")) {
            env.add(DEFAULT_PATH);
        }
        env.addAll(byName.values());
        return List.copyOf(env);
    }

    private static String envName(String entry) {
        int eq = entry.indexOf('=');
        return eq < 0 ? entry : entry.substring(0, eq);
    }

    /** runtime-spec config.md: cwd MUST be absolute; Docker refuses a relative WorkingDir too. */
    private static String cwd(ImageConfig image, Overrides given) throws ImageConfigException {
        String dir = given.workingDir() != null ? given.workingDir() : image.workingDir();
        String field = given.workingDir() != null ? "working directory override" : "config.WorkingDir";
        if (dir == null || dir.isEmpty()) {
            return "/";
        }
        if (!dir.startsWith("/")) {
            throw new ImageConfigException(field + " \"" + dir + "\" is not an absolute path");
        }
        return dir;
    }

    /**
     * conversion.md: Labels become annotations; the annotations derived from config fields win
     * over a label with the same key, since they describe the image itself.
     */
    static Map<String, String> annotations(ImageConfig image) {
        Map<String, String> annotations = new TreeMap<>(image.labels());
        putIfPresent(annotations, ARCHITECTURE, image.architecture());
        putIfPresent(annotations, OS, image.os());
        putIfPresent(annotations, STOP_SIGNAL, image.stopSignal());
        if (!image.exposedPorts().isEmpty()) {
            annotations.put(EXPOSED_PORTS, String.join(",", image.exposedPorts()));
        }
        if (!image.volumes().isEmpty()) {
            annotations.put(VOLUMES, String.join(",", image.volumes()));
        }
        return annotations.isEmpty() ? null : annotations;
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null && !value.isEmpty()) {
            map.put(key, value);
        }
    }
}
