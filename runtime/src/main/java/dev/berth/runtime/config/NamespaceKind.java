package dev.berth.runtime.config;

/** The namespace types of config-linux.md with their CLONE_* flag (<linux/sched.h>). */
public enum NamespaceKind {
    // Order matters when joining: the user namespace first (it decides what the rest may do),
    // mount last among the joined ones so that the namespace files above stay reachable.
    USER("user", 0x10000000L),
    PID("pid", 0x20000000L),
    NETWORK("network", 0x40000000L),
    IPC("ipc", 0x08000000L),
    UTS("uts", 0x04000000L),
    CGROUP("cgroup", 0x02000000L),
    TIME("time", 0x00000080L),
    MOUNT("mount", 0x00020000L);

    private final String specName;
    private final long cloneFlag;

    NamespaceKind(String specName, long cloneFlag) {
        this.specName = specName;
        this.cloneFlag = cloneFlag;
    }

    public String specName() {
        return specName;
    }

    public long cloneFlag() {
        return cloneFlag;
    }

    public static NamespaceKind fromSpec(String name) {
        for (NamespaceKind kind : values()) {
            if (kind.specName.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown namespace type: " + name);
    }
}
