package dev.berth.linux;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Mounts overlayfs however many lower layers there are.
 *
 * <p>mount(2) copies its data argument with copy_mount_options, which takes at most one page:
 * {@code lowerdir=a:b:...} for a deep image does not fit (a 4096-byte page is ~100 layers of
 * 40-character paths). When the options fit, mount(2) is used, as every kernel with overlayfs
 * supports it; when they do not, the new mount API takes one {@code lowerdir+} per layer
 * (fsconfig(2), Linux 6.8, Documentation/filesystems/overlayfs.rst "Multiple lower layers").
 * overlayfs itself stacks at most 500 layers (OVL_MAX_STACK).
 */
public final class OverlayMount {
    /**
     * The bytes of mount(2) data the kernel reads, NUL included: one page, and 4096 is the
     * smallest page size of the architectures berth runs on.
     */
    public static final int MOUNT_DATA_LIMIT = 4096;

    // mount(2) flags this class maps onto fsmount(2)'s MOUNT_ATTR_* (<linux/mount.h>).
    private static final long MS_RDONLY = 1;
    private static final long MS_NOSUID = 2;
    private static final long MS_NODEV = 4;
    private static final long MS_NOEXEC = 8;
    private static final long MS_NOSYMFOLLOW = 256;
    private static final long MS_NOATIME = 1024;
    private static final long MS_NODIRATIME = 2048;
    private static final long MS_RELATIME = 1L << 21;
    private static final long MS_STRICTATIME = 1L << 24;
    private static final long[][] ATTRIBUTE_OF_FLAG = {
        {MS_RDONLY, 0x1}, {MS_NOSUID, 0x2}, {MS_NODEV, 0x4}, {MS_NOEXEC, 0x8}, {MS_NOATIME, 0x10},
        {MS_STRICTATIME, 0x20}, {MS_NODIRATIME, 0x80}, {MS_NOSYMFOLLOW, 0x200000}, {MS_RELATIME, 0},
    };

    /** Which system calls made the mount. */
    public enum Api {
        /** One mount(2) call: the options fit in a page. */
        MOUNT,
        /** fsopen, one fsconfig per option and layer, fsmount, move_mount. */
        FSCONFIG
    }

    private OverlayMount() {}

    /**
     * Mounts an overlay on {@code target}.
     *
     * @param lowerTopFirst the lower layers, uppermost first (lowerdir's order)
     * @param upper         the writable upper directory, or null for a read-only overlay
     * @param work          the work directory on upper's filesystem; null exactly when upper is
     * @param options       further overlay options, "name" or "name=value" (e.g. "index=off")
     * @param flags         mount(2) MS_* flags, e.g. MS_RDONLY
     * @return which API made the mount
     */
    public static Api mount(List<Path> lowerTopFirst, Path upper, Path work, List<String> options, long flags,
            Path target) {
        check(lowerTopFirst, upper, work, options);
        String data = mountData(lowerTopFirst, upper, work, options);
        if (data.getBytes(StandardCharsets.UTF_8).length + 1 <= MOUNT_DATA_LIMIT) {
            FileSystemCalls.mount("overlay", target, "overlay", flags, data);
            return Api.MOUNT;
        }
        long attributes = attributes(flags);
        try (FsContext fs = FsContext.open("overlay")) {
            fs.setString("source", "overlay");
            for (Path lower : lowerTopFirst) {
                fs.setString("lowerdir+", lower.toString());
            }
            if (upper != null) {
                fs.setString("upperdir", upper.toString());
                fs.setString("workdir", work.toString());
            }
            for (String option : options) {
                int eq = option.indexOf('=');
                if (eq < 0) fs.setFlag(option);
                else fs.setString(option.substring(0, eq), option.substring(eq + 1));
            }
            // mount(2)'s MS_RDONLY makes both the superblock and the mount read-only; here the
            // superblock takes "ro" and the mount MOUNT_ATTR_RDONLY.
            if ((flags & MS_RDONLY) != 0) fs.setFlag("ro");
            fs.create();
            fs.mountOn(target, attributes);
        }
        return Api.FSCONFIG;
    }

    /** mount(2)'s data string for these layers, whether or not it fits in a page. */
    static String mountData(List<Path> lowerTopFirst, Path upper, Path work, List<String> options) {
        StringBuilder data = new StringBuilder("lowerdir=");
        for (int i = 0; i < lowerTopFirst.size(); i++) {
            if (i > 0) data.append(':');
            data.append(lowerTopFirst.get(i));
        }
        if (upper != null) data.append(",upperdir=").append(upper).append(",workdir=").append(work);
        for (String option : options) data.append(',').append(option);
        return data.toString();
    }

    /**
     * overlayfs splits lowerdir at ':' and options at ',', and reads '\' as an escape
     * (overlayfs.rst); berth's own layer paths never hold them, so such paths are refused
     * rather than escaped.
     */
    private static void check(List<Path> lowers, Path upper, Path work, List<String> options) {
        if (lowers.isEmpty()) throw new IllegalArgumentException("overlay needs at least one lower directory");
        if ((upper == null) != (work == null)) {
            throw new IllegalArgumentException("overlay: upperdir and workdir go together (upper " + upper
                    + ", work " + work + ")");
        }
        for (Path lower : lowers) checkPath("lowerdir", lower);
        if (upper != null) {
            checkPath("upperdir", upper);
            checkPath("workdir", work);
        }
        for (String option : options) {
            String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
            if (option.isEmpty() || option.contains(",") || List.of("lowerdir", "lowerdir+", "upperdir", "workdir",
                    "datadir+").contains(name)) {
                throw new IllegalArgumentException("overlay option '" + option
                        + "': empty, holds a ',' or names a layer (pass layers as parameters)");
            }
        }
    }

    private static void checkPath(String what, Path path) {
        String s = path.toString();
        if (!path.isAbsolute() || s.indexOf(':') >= 0 || s.indexOf(',') >= 0 || s.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("overlay " + what + " '" + s
                    + "': must be absolute and free of ':', ',' and '\\', which overlayfs parses");
        }
    }

    /** mount(2) MS_* flags as fsmount(2) MOUNT_ATTR_* bits; flags with no attribute are refused. */
    static long attributes(long flags) {
        long attributes = 0;
        long left = flags;
        for (long[] pair : ATTRIBUTE_OF_FLAG) {
            if ((flags & pair[0]) != 0) {
                attributes |= pair[1];
                left &= ~pair[0];
            }
        }
        if (left != 0) {
            throw new IllegalArgumentException("mount flags 0x" + Long.toHexString(left)
                    + " have no fsmount(2) attribute; the overlay's options exceed one page, so mount(2) cannot"
                    + " take them");
        }
        return attributes;
    }
}
