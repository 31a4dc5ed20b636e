package dev.berth.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The namespace types of config-linux.md with what the kernel calls them: the CLONE_NEW* flag for
 * unshare(2)/setns(2) (&lt;linux/sched.h&gt;) and the file name under /proc/[pid]/ns.
 */
public enum NamespaceType {
    CGROUP("cgroup", "cgroup", 0x0200_0000L),
    IPC("ipc", "ipc", 0x0800_0000L),
    MOUNT("mount", "mnt", 0x0002_0000L),
    NETWORK("network", "net", 0x4000_0000L),
    PID("pid", "pid", 0x2000_0000L),
    TIME("time", "time", 0x0000_0080L),
    USER("user", "user", 0x1000_0000L),
    UTS("uts", "uts", 0x0400_0000L);

    private final String specName;
    private final String procName;
    private final long cloneFlag;

    NamespaceType(String specName, String procName, long cloneFlag) {
        this.specName = specName;
        this.procName = procName;
        this.cloneFlag = cloneFlag;
    }

    /** The {@code type} in config.json, e.g. "network". */
    public String specName() {
        return specName;
    }

    /** The file in /proc/[pid]/ns, e.g. "net". */
    public String procName() {
        return procName;
    }

    /** The CLONE_NEW* flag, e.g. CLONE_NEWNET. */
    public long cloneFlag() {
        return cloneFlag;
    }

    /** The type whose config.json name is {@code specName}. */
    public static Optional<NamespaceType> bySpecName(String specName) {
        for (NamespaceType type : values()) {
            if (type.specName.equals(specName)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** Every config.json name, sorted (as runc's features lists them). */
    public static List<String> specNames() {
        return Arrays.stream(values()).map(NamespaceType::specName).sorted().toList();
    }
}
