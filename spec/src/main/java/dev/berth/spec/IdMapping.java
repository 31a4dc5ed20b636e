package dev.berth.spec;

/**
 * One line of a uid_map or gid_map (user_namespaces(7)): {@code size} ids starting at
 * {@code containerID} inside map to ids starting at {@code hostID} outside. Used for user
 * namespaces (linux.uidMappings) and for id-mapped mounts (mounts[].uidMappings).
 */
public record IdMapping(
        @Unsigned.Uint32 Long containerID,
        @Unsigned.Uint32 Long hostID,
        @Unsigned.Uint32 Long size) {
}
