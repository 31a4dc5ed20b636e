package dev.berth.image.snapshot;

import dev.berth.linux.FileSystemCalls;
import dev.berth.linux.OverlayMount;
import dev.berth.spec.MountOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Makes the mounts a {@link Snapshotter} returns (containerd's mount.All): each spec is mounted on
 * {@code target} in order. Overlay specs whose options do not fit mount(2)'s one page go through
 * the new mount API ({@link OverlayMount}). Errors are the linux module's SyscallException
 * (syscall, errno, path); a failure unmounts what this call mounted before it.
 */
public final class Mounter {
    private Mounter() {
    }

    public static void mount(List<MountSpec> mounts, Path target) {
        int mounted = 0;
        try {
            for (MountSpec spec : mounts) {
                mountOne(spec, target);
                mounted++;
            }
        } catch (RuntimeException e) {
            for (; mounted > 0; mounted--) {
                try {
                    unmount(target);
                } catch (RuntimeException undo) {
                    e.addSuppressed(undo);
                }
            }
            throw e;
        }
    }

    /** umount(2) of the topmost mount at {@code target}; call once per spec that was mounted. */
    public static void unmount(Path target) {
        FileSystemCalls.umount2(target, 0);
    }

    private static void mountOne(MountSpec spec, Path target) {
        if (spec.type().equals("overlay")) {
            overlay(spec, target);
            return;
        }
        MountOptions options = MountOptions.parse(spec.options());
        if (options.bind() || spec.type().equals("bind")) {
            bind(spec.source(), target, options);
        } else {
            FileSystemCalls.mount(spec.source(), target, spec.type(), options.flags(),
                    options.data().isEmpty() ? null : options.data());
        }
        for (long propagation : options.propagationFlags()) {
            FileSystemCalls.mount(null, target, null, propagation, null);
        }
    }

    /**
     * mount(2) ignores every flag but MS_REC on a new bind mount (mount(2), "Creating a bind
     * mount"): ro, nosuid, ... take a second call, a bind remount.
     */
    private static void bind(String source, Path target, MountOptions options) {
        long bind = MountOptions.MS_BIND | (options.recursive() ? MountOptions.MS_REC : 0);
        FileSystemCalls.mount(source, target, null, bind, null);
        long extra = options.flags() & ~(MountOptions.MS_BIND | MountOptions.MS_REC);
        if (extra == 0) {
            return;
        }
        try {
            FileSystemCalls.mount(null, target, null, MountOptions.MS_BIND | MountOptions.MS_REMOUNT | extra, null);
        } catch (RuntimeException e) {
            try {
                unmount(target);
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    private static void overlay(MountSpec spec, Path target) {
        List<Path> lowers = null;
        Path upper = null;
        Path work = null;
        List<String> rest = new ArrayList<>();
        for (String option : spec.options()) {
            if (option.startsWith("lowerdir=")) {
                lowers = Arrays.stream(option.substring("lowerdir=".length()).split(":")).map(Path::of).toList();
            } else if (option.startsWith("upperdir=")) {
                upper = Path.of(option.substring("upperdir=".length()));
            } else if (option.startsWith("workdir=")) {
                work = Path.of(option.substring("workdir=".length()));
            } else {
                rest.add(option);
            }
        }
        if (lowers == null) {
            throw new IllegalArgumentException("overlay mount on " + target + ": no lowerdir option in " + spec);
        }
        MountOptions options = MountOptions.parse(rest);
        List<String> data = options.data().isEmpty() ? List.of() : List.of(options.data().split(","));
        OverlayMount.mount(lowers, upper, work, data, options.flags(), target);
    }
}
