package dev.berth.runtime.config;

import dev.berth.cgroups.Resources;
import dev.berth.runtime.seccomp.SeccompCompiler;
import dev.berth.runtime.seccomp.SeccompException;
import dev.berth.runtime.seccomp.SeccompProgram;
import dev.berth.spec.Capability;
import dev.berth.spec.Linux;
import dev.berth.spec.LinuxResources;
import dev.berth.spec.Mount;
import dev.berth.spec.MountOptions;
import dev.berth.spec.Process;
import dev.berth.spec.RlimitType;
import dev.berth.spec.Spec;
import dev.berth.spec.SpecException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OCI spec records (already validated by SpecValidator) -> {@link ContainerConfig}. What is
 * checked here is what needs the host or berth's own limits: bind sources that must exist, the
 * kernel's capability count, features berth does not have yet.
 */
final class SpecConverter {
    private final Spec spec;
    private final Path bundle;
    private final List<String> problems = new ArrayList<>();

    private SpecConverter(Spec spec, Path bundle) {
        this.spec = spec;
        this.bundle = bundle;
    }

    static ContainerConfig convert(Spec spec, Path bundle, String id) throws SpecException {
        return new SpecConverter(spec, bundle).convert(id);
    }

    private ContainerConfig convert(String id) throws SpecException {
        Linux linux = spec.linux() == null ? emptyLinux() : spec.linux();
        Path rootfs = bundle.resolve(spec.root().path()).normalize();
        List<NamespaceConfig> namespaces = namespaces(linux);
        List<MountConfig> mounts = mounts();
        ProcessConfig process = process(spec.process());
        List<IdMap> uidMaps = idMaps(linux.uidMappings(), "linux.uidMappings");
        List<IdMap> gidMaps = idMaps(linux.gidMappings(), "linux.gidMappings");
        SeccompProgram seccomp = seccomp(linux.seccomp());
        ContainerConfig.Personality personality = ProcessDetails.personality(linux.personality(), problems);
        List<ContainerConfig.TimeOffset> timeOffsets = ProcessDetails.timeOffsets(linux.timeOffsets(), problems);
        unsupported(linux);
        if (!problems.isEmpty()) {
            throw new SpecException("config.json: " + String.join("\nconfig.json: ", problems));
        }
        // The default is flat, one directory per container: a shared parent such as /berth would be
        // created by one container and left behind (still in use) when that one is deleted.
        String cgroupsPath = linux.cgroupsPath() == null || linux.cgroupsPath().isEmpty()
                ? "/berth-" + id : linux.cgroupsPath();
        return new ContainerConfig(bundle, rootfs, spec.root().readonlyOrDefault(),
                rootPropagation(linux.rootfsPropagation()), namespaces, mounts, Devices.forContainer(linux),
                orEmpty(linux.maskedPaths()), orEmpty(linux.readonlyPaths()), emptyToNull(spec.hostname()),
                emptyToNull(spec.domainname()), linux.sysctl() == null ? Map.of() : linux.sysctl(), process,
                cgroupsPath, CgroupResources.convert(linux), spec.annotations() == null ? Map.of() : spec.annotations(),
                hooks(spec.hooks()), uidMaps, gidMaps, seccomp, personality, timeOffsets);
    }

    private static Linux emptyLinux() {
        return new Linux(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    private List<NamespaceConfig> namespaces(Linux linux) {
        List<NamespaceConfig> namespaces = new ArrayList<>();
        for (Linux.Namespace ns : orEmpty(linux.namespaces())) {
            namespaces.add(new NamespaceConfig(NamespaceKind.fromSpec(ns.type()), emptyToNull(ns.path())));
        }
        if (namespaces.stream().noneMatch(n -> n.kind() == NamespaceKind.MOUNT)) {
            // Without one, every mount of the config would land in the host's namespace.
            problems.add("linux.namespaces: a mount namespace is required (berth never mounts in the host's namespace)");
        }
        return namespaces;
    }

    private List<MountConfig> mounts() {
        List<MountConfig> mounts = new ArrayList<>();
        List<Mount> specMounts = orEmpty(spec.mounts());
        for (int i = 0; i < specMounts.size(); i++) {
            MountConfig mount = mount(specMounts.get(i), "mounts[" + i + "]");
            if (mount != null) {
                mounts.add(mount);
            }
        }
        return mounts;
    }

    private MountConfig mount(Mount m, String field) {
        MountOptions options = m.parsedOptions();
        String destination = Path.of(m.destination()).normalize().toString();
        if (m.uidMappings() != null || m.gidMappings() != null) {
            problems.add(field + ": id-mapped mounts (uidMappings/gidMappings) are not supported yet");
            return null;
        }
        if (options.hasRecursiveAttributes()) {
            problems.add(field + ".options: recursive attributes (rro, rnosuid, ...) are not supported yet");
            return null;
        }
        String data = options.data() == null || options.data().isEmpty() ? null : options.data();
        boolean bind = options.bind() || "bind".equals(m.type());
        if (!bind) {
            return new MountConfig(destination, m.type(), m.source(), options.flags(), 0,
                    options.propagationFlags(), data, false, true);
        }
        if (m.source() == null || m.source().isEmpty()) {
            problems.add(field + ".source: a bind mount needs a source");
            return null;
        }
        Path source = bundle.resolve(m.source()).normalize();
        if (!Files.exists(source)) {
            problems.add(field + ".source: " + source + " does not exist");
            return null;
        }
        long bindFlags = MountOptions.MS_BIND | (options.flags() & MountOptions.MS_REC);
        long remount = options.flags() & ~(MountOptions.MS_BIND | MountOptions.MS_REC);
        return new MountConfig(destination, null, source.toString(), bindFlags, remount,
                options.propagationFlags(), data, true, Files.isDirectory(source));
    }

    /** rootfsPropagation; runc's default is MS_SLAVE|MS_REC so host mounts still reach the container. */
    private static long rootPropagation(String word) {
        if (word == null || word.isEmpty()) {
            return MountOptions.MS_SLAVE | MountOptions.MS_REC;
        }
        List<Long> flags = MountOptions.parse(List.of(word)).propagationFlags();
        return flags.isEmpty() ? MountOptions.MS_SLAVE | MountOptions.MS_REC : flags.getFirst();
    }

    /** The process of `exec` (a process.json, or the container's own with flags applied). */
    public static ProcessConfig convertProcess(Process p) throws SpecException {
        if (p.args() == null || p.args().isEmpty()) {
            throw new SpecException("process.args: must not be empty");
        }
        if (p.cwd() == null || !p.cwd().startsWith("/")) {
            throw new SpecException("process.cwd: must be an absolute path, got " + p.cwd());
        }
        if (p.user() == null || p.user().uid() == null || p.user().gid() == null) {
            throw new SpecException("process.user: uid and gid are required");
        }
        SpecConverter converter = new SpecConverter(null, null);
        ProcessConfig config = converter.process(p);
        if (!converter.problems.isEmpty()) {
            throw new SpecException(String.join("\n", converter.problems));
        }
        return config;
    }

    private ProcessConfig process(Process p) {
        Process.User user = p.user();
        List<String> env = orEmpty(p.env());
        List<ProcessConfig.RlimitConfig> rlimits = new ArrayList<>();
        for (Process.Rlimit r : orEmpty(p.rlimits())) {
            rlimits.add(new ProcessConfig.RlimitConfig(r.type(), RlimitType.number(r.type()), r.soft(), r.hard()));
        }
        if (p.apparmorProfile() != null && !p.apparmorProfile().isEmpty()) {
            problems.add("process.apparmorProfile: AppArmor is not available to berth on this host");
        }
        if (p.selinuxLabel() != null && !p.selinuxLabel().isEmpty()) {
            problems.add("process.selinuxLabel: SELinux is not available to berth on this host");
        }
        return new ProcessConfig(p.args(), env, p.cwd(), user.uid(), user.gid(),
                orEmpty(user.additionalGids()), user.umask() == null ? null : user.umask().intValue(),
                rlimits, p.oomScoreAdj(), p.noNewPrivilegesOrDefault(), capabilities(p.capabilities()),
                ProcessPaths.execCandidates(p.args().getFirst(), env), p.terminalOrDefault(),
                p.consoleSize() == null || p.consoleSize().height() == null ? 0 : p.consoleSize().height().intValue(),
                p.consoleSize() == null || p.consoleSize().width() == null ? 0 : p.consoleSize().width().intValue(),
                ProcessDetails.scheduler(p.scheduler(), problems), ProcessDetails.ioPriority(p.ioPriority(), problems));
    }

    private static ProcessConfig.CapabilitySets capabilities(Process.Capabilities caps) {
        if (caps == null) {
            return new ProcessConfig.CapabilitySets(0, 0, 0, 0, 0);
        }
        long permitted = mask(caps.permitted());
        long inheritable = mask(caps.inheritable());
        long ambient = mask(caps.ambient());
        // PR_CAP_AMBIENT_RAISE fails with EPERM for a capability that is not both permitted and
        // inheritable (prctl(2)); runc and crun skip those, and `runc spec` relies on it.
        long raisable = ambient & permitted & inheritable;
        if (raisable != ambient) {
            // Looked up here, on the rare path: a logger costs a class-path scan (start-up time).
            System.getLogger(SpecConverter.class.getName()).log(System.Logger.Level.WARNING, "process.capabilities.ambient: skipping capabilities that are not"
                    + " both permitted and inheritable (mask {0})", Long.toHexString(ambient & ~raisable));
        }
        return new ProcessConfig.CapabilitySets(mask(caps.bounding()), mask(caps.effective()),
                permitted, inheritable, raisable);
    }

    private static long mask(List<String> names) {
        long mask = 0;
        for (String name : orEmpty(names)) {
            mask |= 1L << Capability.number(name);
        }
        return mask;
    }

    private void unsupported(Linux linux) {
        if (linux.intelRdt() != null) {
            problems.add("linux.intelRdt: Intel RDT is not available on this host");
        }
        if (linux.resources() != null && linux.resources().network() != null) {
            problems.add("linux.resources.network: net_cls/net_prio are not supported");
        }
        if (linux.resources() != null && linux.resources().rdma() != null && !linux.resources().rdma().isEmpty()) {
            problems.add("linux.resources.rdma: the rdma controller is not supported");
        }
        if (linux.mountLabel() != null && !linux.mountLabel().isEmpty()) {
            problems.add("linux.mountLabel: SELinux is not available to berth on this host");
        }
    }

    /**
     * The kernel refuses overlapping ranges, inside or outside, and more than 340 lines
     * (user_namespaces(7)); say which lines instead of passing on its EINVAL.
     */
    private List<IdMap> idMaps(List<dev.berth.spec.IdMapping> mappings, String field) {
        List<IdMap> maps = new ArrayList<>();
        for (dev.berth.spec.IdMapping m : orEmpty(mappings)) {
            maps.add(new IdMap(m.containerID(), m.hostID(), m.size()));
        }
        if (maps.size() > 340) {
            problems.add(field + ": at most 340 mappings, got " + maps.size());
        }
        for (int i = 0; i < maps.size(); i++) {
            for (int j = i + 1; j < maps.size(); j++) {
                IdMap a = maps.get(i);
                IdMap b = maps.get(j);
                if (overlap(a.containerId(), a.size(), b.containerId(), b.size())) {
                    problems.add(field + "[" + i + "] and [" + j + "]: container ID ranges overlap");
                }
                if (overlap(a.hostId(), a.size(), b.hostId(), b.size())) {
                    problems.add(field + "[" + i + "] and [" + j + "]: host ID ranges overlap");
                }
            }
        }
        return List.copyOf(maps);
    }

    /** The profile compiled to BPF, or null without one; a bad profile is a named problem. */
    SeccompProgram seccomp(dev.berth.spec.Seccomp profile) {
        if (profile == null) {
            return null;
        }
        try {
            return SeccompCompiler.compile(profile);
        } catch (SeccompException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    /** For exec: the container's profile, compiled again from the config kept at create. */
    public static SeccompProgram compileSeccomp(dev.berth.spec.Seccomp profile) throws SpecException {
        SpecConverter converter = new SpecConverter(null, null);
        SeccompProgram program = converter.seccomp(profile);
        if (!converter.problems.isEmpty()) {
            throw new SpecException(String.join("\n", converter.problems));
        }
        return program;
    }

    private static boolean overlap(long start1, long size1, long start2, long size2) {
        return start1 < start2 + size2 && start2 < start1 + size1;
    }

    private static HookSet hooks(dev.berth.spec.Hooks hooks) {
        if (hooks == null) {
            return HookSet.NONE;
        }
        return new HookSet(hookList(hooks.prestart()), hookList(hooks.createRuntime()),
                hookList(hooks.createContainer()), hookList(hooks.startContainer()),
                hookList(hooks.poststart()), hookList(hooks.poststop()));
    }

    private static List<HookConfig> hookList(List<dev.berth.spec.Hooks.Hook> hooks) {
        List<HookConfig> out = new ArrayList<>();
        for (dev.berth.spec.Hooks.Hook h : orEmpty(hooks)) {
            out.add(new HookConfig(h.path(), orEmpty(h.args()), orEmpty(h.env()), h.timeout()));
        }
        return List.copyOf(out);
    }

    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
