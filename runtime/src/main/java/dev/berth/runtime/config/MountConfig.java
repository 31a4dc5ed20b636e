package dev.berth.runtime.config;

/**
 * One entry of config.json "mounts", options already parsed.
 *
 * @param destination  absolute path inside the container
 * @param type         filesystem type; null for a bind mount
 * @param source       host path for binds, device or pseudo name otherwise
 * @param flags        MS_* flags of the first mount(2) call (MS_BIND|MS_REC included for binds)
 * @param remountFlags for binds, flags needing a second MS_REMOUNT|MS_BIND call (ro, nosuid...); 0 if none
 * @param propagation  MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (maybe |MS_REC) calls to make afterwards
 * @param data         filesystem-specific options ("mode=755,size=65536k"), or null
 * @param sourceIsDirectory for binds: whether the mount point to create is a directory or a file
 */
public record MountConfig(
        String destination,
        String type,
        String source,
        long flags,
        long remountFlags,
        java.util.List<Long> propagation,
        String data,
        boolean bind,
        boolean sourceIsDirectory) {
}
