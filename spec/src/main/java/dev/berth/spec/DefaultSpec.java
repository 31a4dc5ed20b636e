package dev.berth.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The config.json that {@code berth spec} writes: the same content as {@code runc spec} (runc's
 * libcontainer/specconv Example and ToRootless), with hostname "berth".
 */
public final class DefaultSpec {

    /** The runtime-spec version berth writes and implements. */
    public static final String OCI_VERSION = "1.2.0";

    private static final List<String> DEFAULT_CAPABILITIES = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

    private DefaultSpec() {
    }

    /**
     * A spec for {@code rootfs} in the bundle running {@code sh} on a terminal. With
     * {@code rootless}, like {@code runc spec --rootless}: a user namespace mapping the caller's
     * effective uid and gid to root, no network namespace (an unprivileged user cannot set one up
     * usefully), /sys bind-mounted from the host (sysfs cannot be mounted without a network
     * namespace of one's own), no uid=/gid= mount options (those ids would be unmapped), no
     * cgroup mount and no cgroup resources (an unprivileged user cannot create cgroups).
     */
    public static Spec create(boolean rootless) {
        Process process = new Process(true, null, new Process.User(0L, 0L, null, null, null), List.of("sh"), null,
                List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"), "/",
                new Process.Capabilities(DEFAULT_CAPABILITIES, DEFAULT_CAPABILITIES, null, DEFAULT_CAPABILITIES, null),
                List.of(new Process.Rlimit("RLIMIT_NOFILE", 1024L, 1024L)), true, null, null, null, null, null);
        Spec spec = new Spec(OCI_VERSION, process, new Root("rootfs", true), "berth", null, mounts(), null, null, linux());
        if (!rootless) {
            return spec;
        }
        long[] ids = effectiveIds();
        return toRootless(spec, ids[0], ids[1]);
    }

    private static List<Mount> mounts() {
        return List.of(
                new Mount("/proc", "proc", "proc", null),
                new Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                new Mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                new Mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
                new Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                new Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
                new Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro")));
    }

    private static Linux linux() {
        List<String> masked = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
                "/sys/devices/virtual/tpm");
        List<String> readonly = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
        LinuxResources denyAllDevices = new LinuxResources(
                List.of(new LinuxResources.DeviceRule(false, null, null, null, "rwm")),
                null, null, null, null, null, null, null, null);
        List<Linux.Namespace> namespaces = List.of("pid", "network", "ipc", "uts", "mount", "cgroup").stream()
                .map(type -> new Linux.Namespace(type, null)).toList();
        return new Linux(null, null, null, denyAllDevices, null, namespaces, null, null, null, masked, readonly,
                null, null, null, null);
    }

    /** runc's ToRootless: {@code spec} for a caller whose effective ids are {@code hostUid}/{@code hostGid}. */
    static Spec toRootless(Spec spec, long hostUid, long hostGid) {
        List<Linux.Namespace> namespaces = new ArrayList<>();
        for (Linux.Namespace ns : spec.linux().namespaces()) {
            if (!ns.type().equals("network") && !ns.type().equals("user")) {
                namespaces.add(ns);
            }
        }
        namespaces.add(new Linux.Namespace("user", null));
        List<Mount> mounts = new ArrayList<>();
        for (Mount mount : spec.mounts()) {
            if (mount.destination().equals("/sys")) {
                mounts.add(new Mount("/sys", "none", "/sys", List.of("rbind", "nosuid", "noexec", "nodev", "ro")));
            } else if (!mount.destination().equals("/sys/fs/cgroup")) {
                mounts.add(withoutIdOptions(mount));
            }
        }
        Linux linux = spec.linux();
        Linux rootless = new Linux(List.of(new IdMapping(0L, hostUid, 1L)), List.of(new IdMapping(0L, hostGid, 1L)),
                linux.sysctl(), null, linux.cgroupsPath(), List.copyOf(namespaces), linux.devices(), linux.seccomp(),
                linux.rootfsPropagation(), linux.maskedPaths(), linux.readonlyPaths(), linux.mountLabel(),
                linux.intelRdt(), linux.personality(), linux.timeOffsets());
        return new Spec(spec.ociVersion(), spec.process(), spec.root(), spec.hostname(), spec.domainname(),
                List.copyOf(mounts), spec.hooks(), spec.annotations(), rootless);
    }

    private static Mount withoutIdOptions(Mount mount) {
        if (mount.options() == null) {
            return mount;
        }
        List<String> options = mount.options().stream()
                .filter(o -> !o.startsWith("uid=") && !o.startsWith("gid=")).toList();
        return new Mount(mount.destination(), mount.type(), mount.source(), options,
                mount.uidMappings(), mount.gidMappings());
    }

    /**
     * The effective uid and gid of this process: the second field of the "Uid:" and "Gid:" lines
     * of /proc/self/status (proc(5): real, effective, saved set, filesystem). Read from /proc
     * because only the linux module may make system calls.
     */
    private static long[] effectiveIds() {
        Path status = Path.of("/proc/self/status");
        try {
            long[] ids = {-1, -1};
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) {
                    ids[0] = Long.parseLong(line.split("\\s+")[2]);
                } else if (line.startsWith("Gid:")) {
                    ids[1] = Long.parseLong(line.split("\\s+")[2]);
                }
            }
            if (ids[0] < 0 || ids[1] < 0) {
                throw new IOException("no Uid:/Gid: lines");
            }
            return ids;
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException(new IOException(status + ": cannot read the effective uid/gid: " + e.getMessage(), e));
        }
    }
}
