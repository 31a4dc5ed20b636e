package dev.berth.runtime.config;

/**
 * A device node to create inside the container.
 *
 * @param mode S_IFCHR/S_IFBLK/S_IFIFO | permission bits
 */
public record DeviceConfig(String path, int mode, long major, long minor, long uid, long gid) {
    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;

    /** glibc's makedev(3) encoding of (major, minor) into a dev_t. */
    public long dev() {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }
}
