package dev.berth.runtime.plan;

/** The step codes of docs/launch-plan.md; berth-launcher.c numbers them the same way. */
public enum StepCode {
    SETNS(1), UNSHARE(2), FORK(3), SYNC(4), MOUNT(5), MKDIRS(6), MKFILE(7), MKNOD(8), SYMLINK(9),
    CHDIR(10), PIVOT_ROOT(11), MOVE_ROOT(12), OPEN_ROOT(13), MASK(14), READONLY(15),
    SETHOSTNAME(16), SETDOMAINNAME(17), WRITE_FILE(18), SETRLIMIT(19), NO_NEW_PRIVS(20),
    KEEPCAPS(21), SETGROUPS(22), SETGID(23), SETUID(24), CAP_BOUNDING(25), CAPSET(26), AMBIENT(27),
    UMASK(28), FIND_EXEC(29), READY(30), WAIT_START(31), CLOSE_FDS(32), EXEC(33), SETSID(34),
    SECCOMP(35), CONSOLE(36), SCHED_SETATTR(37), IOPRIO_SET(38), PERSONALITY(39);

    private final int code;

    StepCode(int code) {
        this.code = code;
    }

    /** The number on the wire. */
    public int code() {
        return code;
    }
}
