package dev.berth.runtime.config;

/** One line of /proc/PID/uid_map or gid_map (user_namespaces(7)): inside, outside, count. */
public record IdMap(long containerId, long hostId, long size) {
    String line() {
        return containerId + " " + hostId + " " + size + "\n";
    }

    /** The whole map file content; the kernel takes it in a single write. */
    public static String file(java.util.List<IdMap> maps) {
        StringBuilder text = new StringBuilder();
        for (IdMap map : maps) {
            text.append(map.line());
        }
        return text.toString();
    }
}
