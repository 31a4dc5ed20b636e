package dev.berth.runtime.plan;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Builds {@link Step}s from Java values: one factory per {@link StepCode}, arguments placed as the
 * table of docs/launch-plan.md says, strings NUL-terminated UTF-8, and a description that names
 * what the step does in the words a user reads when it fails.
 */
public final class Steps {
    // mount(2) flags, used only to describe a MOUNT (<sys/mount.h>).
    private static final long MS_REMOUNT = 32;
    private static final long MS_BIND = 4096;
    private static final long MS_MOVE = 8192;
    private static final long MS_REC = 16384;
    private static final long MS_UNBINDABLE = 1L << 17;
    private static final long MS_PRIVATE = 1L << 18;
    private static final long MS_SLAVE = 1L << 19;
    private static final long MS_SHARED = 1L << 20;
    private static final long MS_RDONLY = 1;
    /** S_IFMT and the two device types of inode(7). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    /** A uid or gid is 32 bits and -1 (4294967295) means "unchanged" to setresuid(2). */
    private static final long MAX_ID = 0xFFFF_FFFEL;
    /** sizeof(struct sock_filter), and the kernel's BPF_MAXINSNS. */
    private static final int SOCK_FILTER_BYTES = 8;
    private static final int BPF_MAXINSNS = 4096;

    private Steps() {
    }

    /** Joins the namespace in {@code namespacePath} (setns(2); nstype 0 accepts any type). */
    public static Step setns(String namespacePath, long nstype) {
        return step(StepCode.SETNS, 0, nstype, 0, 0, 0,
                List.of(string("namespace path", required("namespace path", namespacePath))),
                "join namespace " + quote(namespacePath));
    }

    /** unshare(2) with CLONE_NEW* flags. */
    public static Step unshare(long cloneFlags) {
        return step(StepCode.UNSHARE, 0, cloneFlags, 0, 0, 0, List.of(),
                "unshare " + cloneFlagNames(cloneFlags));
    }

    /** The launcher forks; its child (PID 1 after unshare CLONE_NEWPID) runs the rest. */
    public static Step fork() {
        return step(StepCode.FORK, 0, 0, 0, 0, 0, List.of(), "fork the container process");
    }

    /** The child sends SYNC and waits for 'G' (after berth placed it in its cgroups). */
    public static Step sync() {
        return step(StepCode.SYNC, 0, 0, 0, 0, 0, List.of(), "synchronise with berth");
    }

    /**
     * mount(2). With {@link Step#IN_ROOT} in {@code stepFlags} the target is resolved beneath
     * the root of OPEN_ROOT; the source never is (a bind source is a host path).
     *
     * @param source may be null (propagation changes, remounts)
     * @param fstype may be null (binds, moves, remounts, propagation changes)
     * @param data   may be null
     */
    public static Step mount(String source, String target, String fstype, long flags, String data,
                             int stepFlags) {
        required("mount target", target);
        return step(StepCode.MOUNT, stepFlags, flags, 0, 0, 0,
                List.of(string("mount source", source), string("mount target", target),
                        string("mount type", fstype), string("mount data", data)),
                describeMount(source, target, fstype, flags));
    }

    /** mkdir -p with {@code mode} for every directory it creates. */
    public static Step mkdirs(String path, int mode, int flags) {
        return step(StepCode.MKDIRS, flags, permissions("mkdirs", mode), 0, 0, 0,
                List.of(string("path", required("path", path))),
                "create directory " + quote(path));
    }

    /** Creates the parents (0755) and an empty file unless a regular file is already there. */
    public static Step mkfile(String path, int mode, int flags) {
        return step(StepCode.MKFILE, flags, permissions("mkfile", mode), 0, 0, 0,
                List.of(string("path", required("path", path))), "create file " + quote(path));
    }

    /**
     * mknod(2) of a device node, then (unless {@code uid} is negative) lchown to uid:gid. The
     * parent directory must exist. The node's permissions are cut by the umask, as mknod's are:
     * put {@code umask(0)} before device nodes.
     *
     * @param mode the file type (S_IFCHR, S_IFBLK, S_IFIFO, ...) and the permissions
     */
    public static Step mknod(String path, int mode, long major, long minor, long uid, long gid,
                             int flags) {
        if ((major | minor) < 0 || major > 0xFFFF_FFFFL || minor > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(
                    "device " + major + ":" + minor + " of " + path + " is out of range");
        }
        return mknod(path, mode, makedev(major, minor), uid, gid, flags);
    }

    /** As {@link #mknod(String, int, long, long, long, long, int)}, with a makedev(3) dev_t. */
    public static Step mknod(String path, int mode, long dev, long uid, long gid, int flags) {
        if (uid >= 0) {
            id("uid of " + path, uid);
            id("gid of " + path, gid);
        }
        // glibc's major(3) and minor(3), to show the numbers the config gave.
        long major = ((dev >>> 8) & 0xFFFL) | ((dev >>> 32) & ~0xFFFL);
        long minor = (dev & 0xFFL) | ((dev >>> 12) & ~0xFFL & 0xFFFF_FFFFL);
        int type = mode & S_IFMT;
        String what = type == S_IFCHR ? "character device "
                : type == S_IFBLK ? "block device " : "node ";
        return step(StepCode.MKNOD, flags, mode, dev, uid < 0 ? -1 : uid, gid,
                List.of(string("path", required("path", path))),
                "create " + what + quote(path) + " (" + major + ":" + minor + ")");
    }

    /** symlink(2): {@code linkPath} (resolved with IN_ROOT) will point to {@code target}. */
    public static Step symlink(String target, String linkPath, int flags) {
        return step(StepCode.SYMLINK, flags, 0, 0, 0, 0,
                List.of(string("symlink target", required("symlink target", target)),
                        string("symlink path", required("symlink path", linkPath))),
                "create symlink " + quote(linkPath) + " to " + quote(target));
    }

    /** chdir(2) to a path resolved normally (after the root changed, "/" is the container's). */
    public static Step chdir(String path) {
        return chdir(path, 0);
    }

    public static Step chdir(String path, int flags) {
        return step(StepCode.CHDIR, flags, 0, 0, 0, 0,
                List.of(string("path", required("path", path))), "change directory to " + quote(path));
    }

    /** pivot_root(2) into {@code newRoot}, which must be a mount point; the old root is detached. */
    public static Step pivotRoot(String newRoot) {
        return step(StepCode.PIVOT_ROOT, 0, 0, 0, 0, 0,
                List.of(string("new root", required("new root", newRoot))),
                "pivot_root to " + quote(newRoot));
    }

    /** MS_MOVE of {@code newRoot} onto "/" and chroot: for roots pivot_root refuses (--no-pivot). */
    public static Step moveRoot(String newRoot) {
        return step(StepCode.MOVE_ROOT, 0, 0, 0, 0, 0,
                List.of(string("new root", required("new root", newRoot))),
                "move " + quote(newRoot) + " onto / and chroot");
    }

    /** Opens the rootfs; IN_ROOT paths of the following steps are resolved beneath it. */
    public static Step openRoot(String rootfs) {
        return step(StepCode.OPEN_ROOT, 0, 0, 0, 0, 0,
                List.of(string("rootfs", required("rootfs", rootfs))), "open rootfs " + quote(rootfs));
    }

    /** Hides a path: a read-only tmpfs over a directory, /dev/null over anything else. */
    public static Step mask(String path, int flags) {
        return step(StepCode.MASK, flags, 0, 0, 0, 0,
                List.of(string("path", required("path", path))), "mask " + quote(path));
    }

    /** Bind-mounts a path onto itself and remounts it read-only. */
    public static Step readonly(String path, int flags) {
        return step(StepCode.READONLY, flags, 0, 0, 0, 0,
                List.of(string("path", required("path", path))), "make " + quote(path) + " read-only");
    }

    public static Step sethostname(String hostname) {
        return step(StepCode.SETHOSTNAME, 0, 0, 0, 0, 0,
                List.of(string("hostname", required("hostname", hostname))),
                "set hostname to " + quote(hostname));
    }

    public static Step setdomainname(String domainname) {
        return step(StepCode.SETDOMAINNAME, 0, 0, 0, 0, 0,
                List.of(string("domainname", required("domainname", domainname))),
                "set domainname to " + quote(domainname));
    }

    /** Writes {@code content} to an existing file, truncating it (sysctls, oom_score_adj). */
    public static Step writeFile(String path, String content, int flags) {
        return step(StepCode.WRITE_FILE, flags, 0, 0, 0, 0,
                List.of(string("path", required("path", path)),
                        string("content", required("content", content))),
                "write " + quote(shorten(content)) + " to " + quote(path));
    }

    /**
     * setrlimit(2).
     *
     * @param resource RLIMIT_* number of {@code <sys/resource.h>}
     * @param soft     -1 for unlimited, likewise {@code hard}
     */
    public static Step setrlimit(int resource, long soft, long hard) {
        String name = resource >= 0 && resource < RLIMIT_NAMES.length
                ? RLIMIT_NAMES[resource] : "rlimit " + resource;
        return setrlimit(name, resource, soft, hard);
    }

    /** As {@link #setrlimit(int, long, long)}, with the name the config used (RLIMIT_NOFILE). */
    public static Step setrlimit(String name, int resource, long soft, long hard) {
        return step(StepCode.SETRLIMIT, 0, resource, soft, hard, 0, List.of(),
                "set " + Objects.requireNonNull(name, "rlimit name") + " to " + limit(soft) + "/"
                        + limit(hard));
    }

    public static Step noNewPrivs() {
        return step(StepCode.NO_NEW_PRIVS, 0, 0, 0, 0, 0, List.of(), "set no_new_privs");
    }

    /** PR_SET_KEEPCAPS: keep permitted capabilities across the change to a non-zero uid. */
    public static Step keepCaps(boolean keep) {
        return step(StepCode.KEEPCAPS, 0, keep ? 1 : 0, 0, 0, 0, List.of(),
                (keep ? "set" : "clear") + " keep-capabilities");
    }

    /** setgroups(2); the gids travel as host-order u32s. */
    public static Step setgroups(List<Long> gids) {
        Objects.requireNonNull(gids, "gids");
        ByteBuffer packed = ByteBuffer.allocate(4 * gids.size()).order(ByteOrder.nativeOrder());
        List<String> shown = new ArrayList<>();
        for (Long gid : gids) {
            packed.putInt((int) id("supplementary gid", Objects.requireNonNull(gid, "gid")));
            shown.add(gid.toString());
        }
        return step(StepCode.SETGROUPS, 0, gids.size(), 0, 0, 0, List.of(packed.array()),
                "set supplementary groups [" + String.join(", ", shown) + "]");
    }

    /** setresgid(2) with real, effective and saved gid all {@code gid}. */
    public static Step setgid(long gid) {
        return step(StepCode.SETGID, 0, id("gid", gid), 0, 0, 0, List.of(), "set gid to " + gid);
    }

    /** setresuid(2) with real, effective and saved uid all {@code uid}. */
    public static Step setuid(long uid) {
        return step(StepCode.SETUID, 0, id("uid", uid), 0, 0, 0, List.of(), "set uid to " + uid);
    }

    /**
     * Drops from the bounding set every capability from 0 to {@code lastCap} not in {@code keep}
     * (bit n = capability n). Needs CAP_SETPCAP: put it before SETUID.
     */
    public static Step capBounding(long keep, int lastCap) {
        return step(StepCode.CAP_BOUNDING, 0, keep, lastCap("bounding", lastCap), 0, 0, List.of(),
                "drop capabilities from the bounding set (keeping " + hex(keep) + ")");
    }

    /** capset(2) of the three sets (bit n = capability n). */
    public static Step capset(long effective, long permitted, long inheritable) {
        return step(StepCode.CAPSET, 0, effective, permitted, inheritable, 0, List.of(),
                "set capabilities (effective " + hex(effective) + ", permitted " + hex(permitted)
                        + ", inheritable " + hex(inheritable) + ")");
    }

    /** Clears the ambient set, then raises the capabilities of {@code raise} up to lastCap. */
    public static Step ambient(long raise, int lastCap) {
        return step(StepCode.AMBIENT, 0, raise, lastCap("ambient", lastCap), 0, 0, List.of(),
                "set ambient capabilities " + hex(raise));
    }

    public static Step umask(int mask) {
        return step(StepCode.UMASK, 0, permissions("umask", mask), 0, 0, 0, List.of(),
                String.format(Locale.ROOT, "set umask %04o", mask));
    }

    /**
     * The first candidate that is a regular file the process may execute becomes EXEC's path
     * (candidates are $PATH entries joined with the command, computed in Java).
     */
    public static Step findExec(List<String> candidates) {
        Objects.requireNonNull(candidates, "candidates");
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("findExec needs at least one candidate path");
        }
        String what = candidates.size() == 1 ? "find executable " + quote(candidates.getFirst())
                : "find executable, tried "
                        + String.join(", ", candidates.stream().map(Steps::quote).toList());
        return step(StepCode.FIND_EXEC, 0, candidates.size(), 0, 0, 0,
                List.of(packed("candidate", candidates)), what);
    }

    public static Step ready() {
        return step(StepCode.READY, 0, 0, 0, 0, 0, List.of(), "report ready");
    }

    /**
     * Blocks until one byte arrives on {@code execFifoFd}, then closes it. Open the fifo
     * O_RDWR: on a read-only fifo without writers read(2) returns EOF at once (fifo(7)).
     */
    public static Step waitStart(int execFifoFd) {
        return step(StepCode.WAIT_START, 0, fd("exec fifo fd", execFifoFd), 0, 0, 0, List.of(),
                "wait for start on the exec fifo");
    }

    /** Marks every fd from {@code firstFd} on close-on-exec. */
    public static Step closeFds(int firstFd) {
        return step(StepCode.CLOSE_FDS, 0, fd("first fd", firstFd), 0, 0, 0, List.of(),
                "mark fds from " + firstFd + " on close-on-exec");
    }

    /** execve(2) of FIND_EXEC's path (else argv[0]) with exactly {@code env}. */
    public static Step exec(List<String> argv, List<String> env) {
        Objects.requireNonNull(argv, "argv");
        Objects.requireNonNull(env, "env");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("exec needs a non-empty argv");
        }
        return step(StepCode.EXEC, 0, argv.size(), env.size(), 0, 0,
                List.of(packed("argv", argv), packed("env", env)),
                "exec " + quote(argv.getFirst()));
    }

    public static Step setsid() {
        return step(StepCode.SETSID, 0, 0, 0, 0, 0, List.of(), "create a new session");
    }

    /**
     * seccomp(2) SECCOMP_SET_MODE_FILTER with {@code sockFilters}, a {@code struct sock_filter[]}
     * in host byte order (SeccompProgram.sockFilters()), and SECCOMP_FILTER_FLAG_* {@code flags}.
     * The kernel accepts it only with no_new_privs set or CAP_SYS_ADMIN in the user namespace
     * (seccomp(2)): put it after NO_NEW_PRIVS as the last step before EXEC, or, when the process
     * keeps its privileges, before the steps that drop CAP_SYS_ADMIN (as runc does). Every syscall
     * of the steps after it must be allowed by the filter.
     */
    public static Step seccomp(byte[] sockFilters, int flags, String description) {
        Objects.requireNonNull(sockFilters, "seccomp program");
        if (sockFilters.length == 0 || sockFilters.length % SOCK_FILTER_BYTES != 0
                || sockFilters.length / SOCK_FILTER_BYTES > BPF_MAXINSNS) {
            throw new IllegalArgumentException("a seccomp program is 1 to " + BPF_MAXINSNS + " instructions of "
                    + SOCK_FILTER_BYTES + " bytes, not " + sockFilters.length + " bytes");
        }
        return step(StepCode.SECCOMP, 0, sockFilters.length / SOCK_FILTER_BYTES, Integer.toUnsignedLong(flags),
                0, 0, List.of(sockFilters), Objects.requireNonNull(description, "description"));
    }

    /**
     * The container's pseudo-terminal: master sent over the console socket at fd
     * {@code consoleSocketFd}, slave as stdio and controlling terminal.
     *
     * @param rows  window rows, 0 to leave the size alone
     * @param owner uid to own the slave, or -1
     */
    public static Step console(int consoleSocketFd, int rows, int columns, long owner) {
        return step(StepCode.CONSOLE, 0, consoleSocketFd, rows, columns, owner, List.of(),
                "set up the terminal (process.terminal, --console-socket)");
    }

    /**
     * sched_setattr(2) of the calling process (struct sched_attr, SCHED_ATTR_SIZE_VER1). Numbers
     * are those of {@code <linux/sched.h>}; {@code description} names the policy as the config did.
     *
     * @param runtime  SCHED_DEADLINE only (ns), 0 otherwise; likewise {@code deadline} and {@code period}
     */
    public static Step schedSetattr(int policy, long flags, int nice, int priority, long runtime, long deadline,
                                    long period, String description) {
        ByteBuffer deadlineParams = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
        deadlineParams.putLong(runtime).putLong(deadline).putLong(period);
        return step(StepCode.SCHED_SETATTR, 0, policy, flags, nice, priority, List.of(deadlineParams.array()),
                Objects.requireNonNull(description, "description"));
    }

    /**
     * ioprio_set(2) IOPRIO_WHO_PROCESS of the calling process.
     *
     * @param ioClass IOPRIO_CLASS_RT 1, BE 2 or IDLE 3 (the class field is 3 bits)
     * @param level   0 (highest) .. 7
     */
    public static Step ioprioSet(int ioClass, int level, String description) {
        if (ioClass < 0 || ioClass > 7 || level < 0 || level > 7) {
            throw new IllegalArgumentException("I/O priority class " + ioClass + " level " + level + " is out of range");
        }
        return step(StepCode.IOPRIO_SET, 0, ioClass, level, 0, 0, List.of(),
                Objects.requireNonNull(description, "description"));
    }

    /** personality(2): the execution domain and flags, as one persona value. */
    public static Step personality(long persona, String description) {
        if (persona < 0 || persona >= 0xFFFF_FFFFL) {
            // 0xffffffff only queries the persona (personality(2)).
            throw new IllegalArgumentException("persona " + hex(persona) + " is out of range");
        }
        return step(StepCode.PERSONALITY, 0, persona, 0, 0, 0, List.of(),
                Objects.requireNonNull(description, "description"));
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static Step step(StepCode code, int flags, long a, long b, long c, long d,
                             List<byte[]> bytes, String description) {
        byte[][] s = new byte[4][];
        for (int i = 0; i < bytes.size(); i++) {
            s[i] = bytes.get(i);
        }
        return new Step(code, flags, a, b, c, d, s[0], s[1], s[2], s[3], description);
    }

    /** NUL-terminated UTF-8, or empty (absent) for null. A NUL inside would cut the string short. */
    static byte[] string(String field, String value) {
        if (value == null) {
            return new byte[0];
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(field + " contains a NUL character: " + quote(value));
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, terminated, 0, utf8.length);
        return terminated;
    }

    /** The strings one after another, each with its NUL (the count travels in an integer). */
    static byte[] packed(String field, List<String> values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String value : values) {
            out.writeBytes(string(field, Objects.requireNonNull(value, field)));
        }
        return out.toByteArray();
    }

    /** glibc's makedev(3): the 64-bit dev_t layout the kernel's new_encode_dev reads. */
    static long makedev(long major, long minor) {
        return ((major & 0xFFFF_F000L) << 32) | ((major & 0xFFFL) << 8)
                | ((minor & 0xFFFF_FF00L) << 12) | (minor & 0xFFL);
    }

    private static String required(String field, String value) {
        return Objects.requireNonNull(value, () -> field + " is required");
    }

    private static long id(String field, long id) {
        if (id < 0 || id > MAX_ID) {
            throw new IllegalArgumentException(field + " " + id + " is not in 0.." + MAX_ID);
        }
        return id;
    }

    private static int permissions(String field, int mode) {
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "%s mode %o has bits outside 07777", field, mode));
        }
        return mode;
    }

    private static int lastCap(String set, int lastCap) {
        if (lastCap < 0 || lastCap > 63) {
            throw new IllegalArgumentException("last capability " + lastCap + " for the " + set
                    + " set is not in 0..63");
        }
        return lastCap;
    }

    private static int fd(String field, int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException(field + " " + fd + " is negative");
        }
        return fd;
    }

    private static String quote(String s) {
        return "`" + s + "`";
    }

    /** Long contents would drown the path in the error message. */
    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private static String hex(long mask) {
        return "0x" + Long.toHexString(mask);
    }

    private static String limit(long value) {
        return value == -1 ? "unlimited" : Long.toString(value);
    }

    private static String describeMount(String source, String target, String fstype, long flags) {
        String r = (flags & MS_REC) != 0 ? "r" : "";
        if ((flags & MS_REMOUNT) != 0) {
            return "remount " + quote(target) + ((flags & MS_RDONLY) != 0 ? " read-only" : "");
        }
        if ((flags & MS_MOVE) != 0) {
            return "move mount " + quote(source) + " to " + quote(target);
        }
        if ((flags & MS_BIND) != 0) {
            return r + "bind " + quote(source) + " on " + quote(target);
        }
        String propagation = (flags & MS_SLAVE) != 0 ? "slave"
                : (flags & MS_PRIVATE) != 0 ? "private"
                : (flags & MS_SHARED) != 0 ? "shared"
                : (flags & MS_UNBINDABLE) != 0 ? "unbindable" : null;
        if (propagation != null && fstype == null) {
            return "make " + quote(target) + " " + r + propagation;
        }
        String what = source == null ? quote(fstype)
                : fstype == null || fstype.equals(source) ? quote(source)
                : quote(source) + " (" + fstype + ")";
        return "mount " + what + " on " + quote(target);
    }

    private static String cloneFlagNames(long flags) {
        List<String> names = new ArrayList<>();
        long rest = flags;
        for (int i = 0; i < CLONE_BITS.length; i++) {
            if ((flags & CLONE_BITS[i]) != 0) {
                names.add(CLONE_NAMES[i]);
                rest &= ~CLONE_BITS[i];
            }
        }
        if (rest != 0 || names.isEmpty()) {
            names.add(hex(rest));
        }
        return String.join("|", names);
    }

    // <sched.h>, in bit order.
    private static final long[] CLONE_BITS = {
        0x80L, 0x20000L, 0x02000000L, 0x04000000L, 0x08000000L, 0x10000000L, 0x20000000L, 0x40000000L};
    private static final String[] CLONE_NAMES = {
        "CLONE_NEWTIME", "CLONE_NEWNS", "CLONE_NEWCGROUP", "CLONE_NEWUTS", "CLONE_NEWIPC",
        "CLONE_NEWUSER", "CLONE_NEWPID", "CLONE_NEWNET"};
    // <sys/resource.h>, indexed by resource number.
    private static final String[] RLIMIT_NAMES = {
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
        "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
        "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME"};
}
