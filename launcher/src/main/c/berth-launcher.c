/*
 * berth-launcher SOCKET_FD
 *
 * Executes a launch plan (docs/launch-plan.md) that berth sends over the inherited socket: a flat
 * list of steps, each one syscall or a short fixed sequence of them. Every decision was made in
 * Java; this program only decodes and executes, in order. A failing step sends
 * ERROR(step index, errno) and exits 1; a malformed plan is reported as step -1 (or as the step
 * whose strings are malformed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#define PLAN_MAGIC 0x48545242u /* "BRTH" in little endian */
#define PLAN_VERSION 1u
#define PLAN_MAX_BYTES (64u << 20) /* argv + env are bounded by ARG_MAX anyway */
#define PLAN_STEP -1               /* the step index reported for a plan that cannot be read */

enum { IN_ROOT = 1, IGNORE_ENOENT = 2, IGNORE_EEXIST = 4 };
enum { MSG_PID = 1, MSG_SYNC = 2, MSG_READY = 3, MSG_ERROR = 4, MSG_SECCOMP = 5 };
enum {
    STEP_SETNS = 1, STEP_UNSHARE, STEP_FORK, STEP_SYNC, STEP_MOUNT, STEP_MKDIRS, STEP_MKFILE,
    STEP_MKNOD, STEP_SYMLINK, STEP_CHDIR, STEP_PIVOT_ROOT, STEP_MOVE_ROOT, STEP_OPEN_ROOT,
    STEP_MASK, STEP_READONLY, STEP_SETHOSTNAME, STEP_SETDOMAINNAME, STEP_WRITE_FILE,
    STEP_SETRLIMIT, STEP_NO_NEW_PRIVS, STEP_KEEPCAPS, STEP_SETGROUPS, STEP_SETGID, STEP_SETUID,
    STEP_CAP_BOUNDING, STEP_CAPSET, STEP_AMBIENT, STEP_UMASK, STEP_FIND_EXEC, STEP_READY,
    STEP_WAIT_START, STEP_CLOSE_FDS, STEP_EXEC, STEP_SETSID, STEP_SECCOMP, STEP_CONSOLE,
    STEP_SCHED_SETATTR, STEP_IOPRIO_SET, STEP_PERSONALITY, STEP_LAST = STEP_PERSONALITY
};

/* One decoded step. Absent strings (length 0) are "", so no handler dereferences NULL. */
struct step {
    uint32_t code, flags;
    int64_t a, b, c, d;
    const char *s[4];
    uint32_t len[4];
};

/* The message layout of launch-plan.md: u32 kind | i32 step | i32 value | i32 errno. */
struct message {
    uint32_t kind;
    int32_t step, value, err;
};

static int sock = -1;           /* the socket to berth, close-on-exec */
static int root_fd = -1;        /* OPEN_ROOT's directory: the base of IN_ROOT resolution */
static const char *exec_path;   /* FIND_EXEC's result, points into the plan buffer */
static int32_t current;         /* index of the step being executed */

/* Errors are returned as errno values: 0 is success. */
#define CHECK(call) do { if ((call) < 0) return errno; } while (0)
#define cleanup_fd __attribute__((cleanup(close_fd)))

static void close_fd(int *fd)
{
    int saved = errno;
    if (*fd >= 0)
        close(*fd);
    errno = saved;
}

/* MSG_NOSIGNAL: the container must not need SIGPIPE ignored, and a reader that went away must
   not kill it (send(2)). */
static int send_message(uint32_t kind, int32_t value, int32_t err)
{
    struct message m = { kind, current, value, err };
    ssize_t n = send(sock, &m, sizeof m, MSG_NOSIGNAL);
    if (n < 0)
        return errno;
    return n == (ssize_t) sizeof m ? 0 : EIO;
}

static void __attribute__((noreturn)) fail(int32_t step, int err)
{
    current = step;
    send_message(MSG_ERROR, 0, err);
    _exit(1);
}

static int read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            return EBADMSG; /* the plan ended early */
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

static int write_full(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        CHECK(n);
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

/* ---- decoding ---------------------------------------------------------------------------- */

struct cursor {
    const char *p, *end;
};

static void take(struct cursor *c, void *out, size_t len)
{
    if ((size_t) (c->end - c->p) < len)
        fail(PLAN_STEP, EBADMSG);
    memcpy(out, c->p, len); /* memcpy: fields are not aligned */
    c->p += len;
}

static const char *take_bytes(struct cursor *c, uint32_t *len)
{
    take(c, len, sizeof *len);
    if ((size_t) (c->end - c->p) < *len)
        fail(PLAN_STEP, EBADMSG);
    const char *s = *len ? c->p : "";
    c->p += *len;
    return s;
}

static void decode_step(struct cursor *c, struct step *st, int32_t index)
{
    take(c, &st->code, 4);
    take(c, &st->flags, 4);
    take(c, &st->a, 8);
    take(c, &st->b, 8);
    take(c, &st->c, 8);
    take(c, &st->d, 8);
    for (int i = 0; i < 4; i++) {
        st->s[i] = take_bytes(c, &st->len[i]);
        /* Every bytes field is a string or a packed list, both end in NUL, except the gids and
           the seccomp program. */
        int binary = (st->code == STEP_SETGROUPS || st->code == STEP_SECCOMP) && i == 0;
        if (!binary && st->len[i] > 0 && st->s[i][st->len[i] - 1] != '\0')
            fail(index, EBADMSG);
    }
    if (st->code < 1 || st->code > STEP_LAST)
        fail(index, ENOSYS);
}

/* Reads the whole plan into one buffer; the steps point into it. */
static struct step *read_plan(uint32_t *count)
{
    uint32_t header[3];
    int err = read_full(sock, header, sizeof header);
    if (err)
        fail(PLAN_STEP, err);
    if (header[0] != PLAN_MAGIC || header[1] != PLAN_VERSION || header[2] > PLAN_MAX_BYTES)
        fail(PLAN_STEP, EBADMSG);
    char *body = malloc(header[2] + 1);
    if (!body)
        fail(PLAN_STEP, ENOMEM);
    err = read_full(sock, body, header[2]);
    if (err)
        fail(PLAN_STEP, err);
    struct cursor c = { body, body + header[2] };
    take(&c, count, sizeof *count);
    /* A step takes at least 56 bytes: this bounds the allocation by the plan's size. */
    if (*count > header[2] / 56)
        fail(PLAN_STEP, EBADMSG);
    struct step *steps = calloc(*count ? *count : 1, sizeof *steps);
    if (!steps)
        fail(PLAN_STEP, ENOMEM);
    for (uint32_t i = 0; i < *count; i++)
        decode_step(&c, &steps[i], (int32_t) i);
    if (c.p != c.end)
        fail(PLAN_STEP, EBADMSG);
    return steps;
}

/* A packed list is `count` NUL-terminated strings back to back; returns a NULL-terminated array
   (as execve wants) or NULL with errno set. */
static char **unpack(const char *s, uint32_t len, int64_t count)
{
    if (count < 0 || count > len) {
        errno = EINVAL;
        return NULL;
    }
    char **list = calloc((size_t) count + 1, sizeof *list);
    if (!list)
        return NULL;
    uint32_t off = 0;
    for (int64_t i = 0; i < count; i++) {
        if (off >= len) {
            free(list);
            errno = EINVAL;
            return NULL;
        }
        list[i] = (char *) s + off;
        off += (uint32_t) strlen(s + off) + 1; /* stays in bounds: the field ends in NUL */
    }
    return list;
}

/* ---- paths ------------------------------------------------------------------------------- */

/* With IN_ROOT the path is resolved as if root_fd were "/": ".." and absolute symlinks stop at
   the rootfs, and magic links (/proc/self/...) are refused (openat2(2), RESOLVE_IN_ROOT). */
static int resolve(const struct step *st, const char *path, int flags)
{
    if (!(st->flags & IN_ROOT))
        return open(path, flags | O_CLOEXEC);
    struct open_how how = {
        .flags = (uint64_t) (flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    return (int) syscall(SYS_openat2, root_fd, path, &how, sizeof how);
}

/* What mount(2) and friends are given: with IN_ROOT the already resolved fd, through
   /proc/self/fd, so the kernel cannot walk the path again and meet a swapped symlink. */
static const char *fd_target(const struct step *st, int fd, const char *path, char buf[32])
{
    if (!(st->flags & IN_ROOT))
        return path;
    snprintf(buf, 32, "/proc/self/fd/%d", fd);
    return buf;
}

/* mkdir -p, one component at a time: each prefix is opened with resolve(), so a symlink
   component leads where it would inside the root, and a missing component is created with
   mkdirat() in its already opened parent. Returns an O_PATH fd of the directory. */
static int mkdirs(const struct step *st, const char *path, mode_t mode)
{
    char prefix[PATH_MAX];
    if (strlen(path) >= sizeof prefix) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(prefix, path);
    int parent = resolve(st, path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY);
    for (char *p = prefix; parent >= 0;) {
        while (*p == '/')
            p++;
        if (*p == '\0')
            break;
        char *name = p;
        while (*p != '\0' && *p != '/')
            p++;
        char saved = *p;
        *p = '\0';
        int fd = resolve(st, prefix, O_PATH | O_DIRECTORY);
        if (fd < 0 && errno == ENOENT) {
            if (mkdirat(parent, name, mode) == 0 || errno == EEXIST)
                fd = resolve(st, prefix, O_PATH | O_DIRECTORY);
        }
        close_fd(&parent);
        parent = fd;
        *p = saved;
    }
    return parent;
}

/* Opens the directory that holds `path` (creating it when `create`) and points *base at the
   last component, which the caller then acts on with an *at() call. */
static int open_parent(const struct step *st, const char *path, int create,
                       char dir[PATH_MAX], const char **base)
{
    size_t n = strlen(path);
    if (n >= PATH_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(dir, path, n + 1);
    while (n > 1 && dir[n - 1] == '/')
        dir[--n] = '\0';
    char *slash = strrchr(dir, '/');
    const char *parent = ".";
    *base = dir;
    if (slash) {
        *slash = '\0';
        *base = slash + 1;
        parent = slash == dir ? "/" : dir;
    }
    return create ? mkdirs(st, parent, 0755) : resolve(st, parent, O_PATH | O_DIRECTORY);
}

/* ---- steps ------------------------------------------------------------------------------- */

static int do_setns(const struct step *st)
{
    cleanup_fd int fd = open(st->s[0], O_RDONLY | O_CLOEXEC);
    CHECK(fd);
    CHECK(setns(fd, (int) st->a));
    return 0;
}

static int do_unshare(const struct step *st)
{
    CHECK(unshare((int) st->a));
    return 0;
}

/* The child may speak only after the launcher sent PID, so that PID is the first message berth
   reads: the child waits for EOF on a pipe whose write end the launcher holds until it exits. */
static int do_fork(const struct step *st)
{
    (void) st;
    int gate[2];
    CHECK(pipe2(gate, O_CLOEXEC));
    pid_t pid = fork();
    CHECK(pid);
    if (pid > 0)
        _exit(send_message(MSG_PID, pid, 0) ? 1 : 0);
    close(gate[1]);
    char byte;
    while (read(gate[0], &byte, 1) < 0 && errno == EINTR)
        ;
    close(gate[0]);
    return 0;
}

static int do_sync(const struct step *st)
{
    (void) st;
    int err = send_message(MSG_SYNC, 0, 0);
    if (err)
        return err;
    char go;
    ssize_t n;
    while ((n = read(sock, &go, 1)) < 0 && errno == EINTR)
        ;
    CHECK(n);
    if (n == 0)
        _exit(1); /* berth died: nobody is left to report to */
    return go == 'G' ? 0 : EBADMSG;
}

static int do_mount(const struct step *st)
{
    cleanup_fd int fd = -1;
    if (st->flags & IN_ROOT)
        CHECK(fd = resolve(st, st->s[1], O_PATH));
    char buf[32];
    const char *target = fd_target(st, fd, st->s[1], buf);
    CHECK(mount(st->s[0], target, st->s[2], (unsigned long) st->a, st->s[3]));
    return 0;
}

static int do_mkdirs(const struct step *st)
{
    cleanup_fd int fd = mkdirs(st, st->s[0], (mode_t) st->a);
    CHECK(fd);
    return 0;
}

static int do_mkfile(const struct step *st)
{
    char dir[PATH_MAX];
    const char *base;
    cleanup_fd int parent = open_parent(st, st->s[0], 1, dir, &base);
    CHECK(parent);
    cleanup_fd int fd = openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                               (mode_t) st->a);
    if (fd >= 0 || errno != EEXIST)
        return fd >= 0 ? 0 : errno;
    /* Already there: fine if it is (a symlink resolving in the root to) a regular file. */
    cleanup_fd int existing = resolve(st, st->s[0], O_PATH);
    CHECK(existing);
    struct stat sb;
    CHECK(fstat(existing, &sb));
    return S_ISREG(sb.st_mode) ? 0 : EEXIST;
}

static int do_mknod(const struct step *st)
{
    char dir[PATH_MAX];
    const char *base;
    cleanup_fd int parent = open_parent(st, st->s[0], 0, dir, &base);
    CHECK(parent);
    CHECK(mknodat(parent, base, (mode_t) st->a, (dev_t) st->b));
    if (st->c >= 0)
        CHECK(fchownat(parent, base, (uid_t) st->c, (gid_t) st->d, AT_SYMLINK_NOFOLLOW));
    return 0;
}

static int do_symlink(const struct step *st)
{
    char dir[PATH_MAX];
    const char *base;
    cleanup_fd int parent = open_parent(st, st->s[1], 0, dir, &base);
    CHECK(parent);
    CHECK(symlinkat(st->s[0], parent, base));
    return 0;
}

static int do_chdir(const struct step *st)
{
    cleanup_fd int fd = resolve(st, st->s[0], O_PATH | O_DIRECTORY);
    CHECK(fd);
    CHECK(fchdir(fd));
    /* CVE-2024-21626: a cwd reached through an fd of the host (/proc/self/fd/N) lies outside the
     * root; getcwd(3) then fails with ENOENT or answers "(unreachable)/...". Refuse it. */
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL)
        return errno == ENOENT ? EXDEV : errno;
    if (cwd[0] != '/')
        return EXDEV;
    return 0;
}

/* After the root changed, IN_ROOT resolves beneath the new "/". */
static int reopen_root(void)
{
    close_fd(&root_fd);
    CHECK(root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    return 0;
}

/* pivot_root(".", ".") stacks the old root on top of the new one, so no directory for it is
   needed in the rootfs; the old root is then made a slave (so the detach does not propagate to
   the host) and lazily detached (pivot_root(2), NOTES; as runc and crun do). */
static int do_pivot_root(const struct step *st)
{
    cleanup_fd int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    CHECK(oldroot);
    cleanup_fd int newroot = open(st->s[0], O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    CHECK(newroot);
    CHECK(fchdir(newroot));
    CHECK(syscall(SYS_pivot_root, ".", "."));
    CHECK(fchdir(oldroot));
    CHECK(mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL));
    CHECK(umount2(".", MNT_DETACH));
    CHECK(chdir("/"));
    return reopen_root();
}

/* For roots pivot_root(2) refuses (ramfs, initramfs): move the rootfs onto "/" and chroot. */
static int do_move_root(const struct step *st)
{
    CHECK(chdir(st->s[0]));
    CHECK(mount(st->s[0], "/", NULL, MS_MOVE, NULL));
    CHECK(chroot("."));
    CHECK(chdir("/"));
    return reopen_root();
}

static int do_open_root(const struct step *st)
{
    int fd = open(st->s[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
    CHECK(fd);
    close_fd(&root_fd);
    root_fd = fd;
    return 0;
}

/* As runc's maskPath: a read-only empty tmpfs over a directory, /dev/null over anything else. */
static int do_mask(const struct step *st)
{
    cleanup_fd int fd = resolve(st, st->s[0], O_PATH);
    CHECK(fd);
    struct stat sb;
    CHECK(fstat(fd, &sb));
    char buf[32];
    const char *target = fd_target(st, fd, st->s[0], buf);
    if (S_ISDIR(sb.st_mode))
        CHECK(mount("tmpfs", target, "tmpfs", MS_RDONLY, NULL));
    else
        CHECK(mount("/dev/null", target, NULL, MS_BIND, NULL));
    return 0;
}

/* A bind mount can only become read-only by a remount (mount(2), MS_REMOUNT|MS_BIND), and the
   remount must repeat nosuid/nodev/noexec: in a user namespace dropping a locked flag is EPERM. */
static int do_readonly(const struct step *st)
{
    char buf[32];
    cleanup_fd int under = resolve(st, st->s[0], O_PATH);
    CHECK(under);
    const char *target = fd_target(st, under, st->s[0], buf);
    CHECK(mount(target, target, NULL, MS_BIND | MS_REC, NULL));
    /* `under` still names the mount below the new bind: resolve again to reach the bind. */
    cleanup_fd int fd = resolve(st, st->s[0], O_PATH);
    CHECK(fd);
    struct statvfs sv;
    CHECK(fstatvfs(fd, &sv));
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
    flags |= (sv.f_flag & ST_NOSUID ? MS_NOSUID : 0) | (sv.f_flag & ST_NODEV ? MS_NODEV : 0)
             | (sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0);
    target = fd_target(st, fd, st->s[0], buf);
    CHECK(mount(NULL, target, NULL, flags, NULL));
    return 0;
}

static int do_sethostname(const struct step *st)
{
    CHECK(sethostname(st->s[0], strlen(st->s[0])));
    return 0;
}

static int do_setdomainname(const struct step *st)
{
    CHECK(setdomainname(st->s[0], strlen(st->s[0])));
    return 0;
}

static int do_write_file(const struct step *st)
{
    cleanup_fd int fd = resolve(st, st->s[0], O_WRONLY | O_TRUNC);
    CHECK(fd);
    return write_full(fd, st->s[1], strlen(st->s[1]));
}

static int do_setrlimit(const struct step *st)
{
    /* -1 cast to rlim_t is RLIM_INFINITY. */
    struct rlimit limit = { (rlim_t) st->b, (rlim_t) st->c };
    CHECK(setrlimit((__rlimit_resource_t) st->a, &limit));
    return 0;
}

static int do_no_new_privs(const struct step *st)
{
    (void) st;
    CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    return 0;
}

static int do_keepcaps(const struct step *st)
{
    CHECK(prctl(PR_SET_KEEPCAPS, (unsigned long) st->a, 0, 0, 0));
    return 0;
}

static int do_setgroups(const struct step *st)
{
    if (st->a < 0 || (uint64_t) st->a * sizeof(gid_t) != st->len[0])
        return EINVAL;
    gid_t *gids = malloc(st->len[0] + 1); /* copied: the plan's bytes are not aligned */
    if (!gids)
        return ENOMEM;
    memcpy(gids, st->s[0], st->len[0]);
    int ret = setgroups((size_t) st->a, gids);
    int err = errno;
    free(gids);
    return ret < 0 ? err : 0;
}

static int do_setgid(const struct step *st)
{
    gid_t gid = (gid_t) st->a;
    CHECK(setresgid(gid, gid, gid));
    return 0;
}

static int do_setuid(const struct step *st)
{
    uid_t uid = (uid_t) st->a;
    CHECK(setresuid(uid, uid, uid));
    return 0;
}

static int do_cap_bounding(const struct step *st)
{
    if (st->b < 0 || st->b > 63)
        return EINVAL;
    for (int cap = 0; cap <= st->b; cap++)
        if (!((uint64_t) st->a >> cap & 1))
            CHECK(prctl(PR_CAPBSET_DROP, cap, 0, 0, 0));
    return 0;
}

/* Version 3 takes two 32-bit halves of each 64-bit set (capget(2)). */
static int do_capset(const struct step *st)
{
    struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    for (int half = 0; half < 2; half++) {
        data[half].effective = (uint32_t) ((uint64_t) st->a >> (32 * half));
        data[half].permitted = (uint32_t) ((uint64_t) st->b >> (32 * half));
        data[half].inheritable = (uint32_t) ((uint64_t) st->c >> (32 * half));
    }
    CHECK(syscall(SYS_capset, &header, data));
    return 0;
}

static int do_ambient(const struct step *st)
{
    if (st->b < 0 || st->b > 63)
        return EINVAL;
    CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0));
    for (int cap = 0; cap <= st->b; cap++)
        if ((uint64_t) st->a >> cap & 1)
            CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0));
    return 0;
}

static int do_umask(const struct step *st)
{
    umask((mode_t) st->a);
    return 0;
}

/* The first candidate that is a regular file executable by the (final) effective ids wins;
   EACCES if something was found but none qualified, as execvp(3) reports. */
static int do_find_exec(const struct step *st)
{
    char **candidates = unpack(st->s[0], st->len[0], st->a);
    if (!candidates)
        return errno;
    int err = ENOENT;
    for (char **c = candidates; *c && !exec_path; c++) {
        struct stat sb;
        if (stat(*c, &sb) < 0)
            continue;
        if (S_ISREG(sb.st_mode) && faccessat(AT_FDCWD, *c, X_OK, AT_EACCESS) == 0)
            exec_path = *c;
        else
            err = EACCES;
    }
    free(candidates);
    return exec_path ? 0 : err;
}

static int do_ready(const struct step *st)
{
    (void) st;
    return send_message(MSG_READY, 0, 0);
}

/* berth opens the exec fifo read-write for us, so read() blocks until `start` writes a byte;
   EOF would mean a read-only fifo whose writers are gone. */
static int do_wait_start(const struct step *st)
{
    char byte;
    ssize_t n;
    while ((n = read((int) st->a, &byte, 1)) < 0 && errno == EINTR)
        ;
    CHECK(n);
    if (n == 0)
        return EPIPE;
    CHECK(close((int) st->a));
    return 0;
}

/* Close-on-exec rather than closed: the socket must stay open until execve succeeds, so that
   berth sees EOF on success and ERROR on failure (close_range(2), CLOSE_RANGE_CLOEXEC). */
static int do_close_fds(const struct step *st)
{
    CHECK(syscall(SYS_close_range, (unsigned int) st->a, ~0u, CLOSE_RANGE_CLOEXEC));
    return 0;
}

static int do_exec(const struct step *st)
{
    char **argv = unpack(st->s[0], st->len[0], st->a);
    if (!argv)
        return errno;
    char **envp = unpack(st->s[1], st->len[1], st->b);
    if (!envp)
        return errno;
    if (!argv[0])
        return EINVAL;
    execve(exec_path ? exec_path : argv[0], argv, envp);
    int err = errno;
    /* In a detached container nobody may be reading the socket: say it on stderr too. */
    dprintf(STDERR_FILENO, "berth-launcher: exec %s: %s\n", argv[0], strerror(err));
    send_message(MSG_ERROR, 0, err);
    _exit(err == ENOENT ? 127 : 126); /* the shell's codes for "not found" / "cannot execute" */
}

static int do_setsid(const struct step *st)
{
    (void) st;
    CHECK(setsid());
    return 0;
}

/* seccomp(2) SECCOMP_SET_MODE_FILTER: s0 holds a count of struct sock_filter (8 bytes, host
   order), b the SECCOMP_FILTER_FLAG_* flags. The kernel takes it only with no_new_privs set or
   CAP_SYS_ADMIN (EACCES otherwise), which is why the plan orders it after NO_NEW_PRIVS or before
   capabilities are dropped. The program is copied into static storage, not the heap: the plan's
   bytes are not aligned, and nothing after this step should need a syscall the filter may
   forbid. */
static int do_seccomp(const struct step *st)
{
    static struct sock_filter filter[BPF_MAXINSNS];
    if (st->a < 1 || st->a > BPF_MAXINSNS || (uint64_t) st->a * sizeof *filter != st->len[0])
        return EINVAL;
    memcpy(filter, st->s[0], st->len[0]);
    struct sock_fprog prog = { .len = (unsigned short) st->a, .filter = filter };
    long listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned int) st->b, &prog);
    CHECK(listener);
    if (st->b & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
        /* SCMP_ACT_NOTIFY: berth passes the listener on to the seccomp agent (listenerPath). It
         * travels as a SECCOMP message with the fd attached (SCM_RIGHTS). */
        struct message m = { MSG_SECCOMP, current, 0, 0 };
        struct iovec iov = { .iov_base = &m, .iov_len = sizeof m };
        char control[CMSG_SPACE(sizeof(int))];
        memset(control, 0, sizeof control);
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                              .msg_controllen = sizeof control };
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        int fd = (int) listener;
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
        ssize_t sent = sendmsg(sock, &msg, MSG_NOSIGNAL);
        int err = sent < 0 ? errno : 0;
        close(fd);
        if (err)
            return err;
    }
    return 0;
}

/*
 * CONSOLE: a pseudo-terminal for the container (process.terminal). The master is opened here,
 * after pivot_root, so that it comes from the container's own devpts instance; it is sent over the
 * console socket a with SCM_RIGHTS, the protocol of runc's --console-socket (the pty's path as the
 * message); the slave becomes stdin, stdout, stderr and the controlling terminal (setsid came
 * before). b x c is the window size when b > 0; d, when >= 0, the uid that owns the slave.
 */
static int do_console(const struct step *st)
{
    cleanup_fd int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    CHECK(master);
    CHECK(unlockpt(master));
    char name[64];
    if ((errno = ptsname_r(master, name, sizeof name)) != 0)
        return errno;
    cleanup_fd int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    CHECK(slave);
    if (st->b > 0) {
        struct winsize ws = {.ws_row = (unsigned short) st->b, .ws_col = (unsigned short) st->c};
        CHECK(ioctl(slave, TIOCSWINSZ, &ws));
    }
    if (st->d >= 0)
        CHECK(fchown(slave, (uid_t) st->d, (gid_t) -1));
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof control);
    struct iovec iov = {.iov_base = name, .iov_len = strlen(name)};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                         .msg_controllen = sizeof control};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &master, sizeof(int));
    CHECK(sendmsg((int) st->a, &msg, MSG_NOSIGNAL));
    CHECK(close((int) st->a));
    for (int fd = 0; fd < 3; fd++)
        CHECK(dup2(slave, fd));
    CHECK(ioctl(0, TIOCSCTTY, 0));
    return 0;
}

/* sched_setattr(2) for the calling thread (pid 0): a policy, b SCHED_FLAG_* flags, c nice,
   d static priority, s0 three host-order u64s (runtime, deadline, period in ns). The struct is
   declared here: glibc before 2.41 has no struct sched_attr, and <linux/sched/types.h> clashes
   with the glibc that has one. size 56 is SCHED_ATTR_SIZE_VER1 (with the two utilization clamps,
   left 0: the plan never asks for SCHED_FLAG_UTIL_CLAMP_*). */
struct berth_sched_attr {
    uint32_t size, sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime, sched_deadline, sched_period;
    uint32_t sched_util_min, sched_util_max;
};

static int do_sched_setattr(const struct step *st)
{
    uint64_t deadline_params[3];
    if (st->len[0] != sizeof deadline_params)
        return EINVAL;
    memcpy(deadline_params, st->s[0], sizeof deadline_params); /* the plan's bytes are unaligned */
    struct berth_sched_attr attr = {
        .size = sizeof attr, .sched_policy = (uint32_t) st->a, .sched_flags = (uint64_t) st->b,
        .sched_nice = (int32_t) st->c, .sched_priority = (uint32_t) st->d,
        .sched_runtime = deadline_params[0], .sched_deadline = deadline_params[1],
        .sched_period = deadline_params[2],
    };
    CHECK(syscall(SYS_sched_setattr, 0, &attr, 0));
    return 0;
}

/* ioprio_set(2) IOPRIO_WHO_PROCESS of the caller: a class, b level within it; the value is
   IOPRIO_PRIO_VALUE(class, level) = class << 13 | level (<linux/ioprio.h>). */
static int do_ioprio_set(const struct step *st)
{
    enum { IOPRIO_WHO_PROCESS = 1, IOPRIO_CLASS_SHIFT = 13 };
    CHECK(syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, (int) ((st->a << IOPRIO_CLASS_SHIFT) | st->b)));
    return 0;
}

/* personality(2) with the execution domain and flags in a. It returns the previous persona, so
   only -1 is an error; a persona of 0xffffffff would merely query, which the plan never sends. */
static int do_personality(const struct step *st)
{
    CHECK(personality((unsigned long) st->a));
    return 0;
}

static int (*const handlers[STEP_LAST + 1])(const struct step *) = {
    [STEP_SETNS] = do_setns, [STEP_UNSHARE] = do_unshare, [STEP_FORK] = do_fork,
    [STEP_SYNC] = do_sync, [STEP_MOUNT] = do_mount, [STEP_MKDIRS] = do_mkdirs,
    [STEP_MKFILE] = do_mkfile, [STEP_MKNOD] = do_mknod, [STEP_SYMLINK] = do_symlink,
    [STEP_CHDIR] = do_chdir, [STEP_PIVOT_ROOT] = do_pivot_root, [STEP_MOVE_ROOT] = do_move_root,
    [STEP_OPEN_ROOT] = do_open_root, [STEP_MASK] = do_mask, [STEP_READONLY] = do_readonly,
    [STEP_SETHOSTNAME] = do_sethostname, [STEP_SETDOMAINNAME] = do_setdomainname,
    [STEP_WRITE_FILE] = do_write_file, [STEP_SETRLIMIT] = do_setrlimit,
    [STEP_NO_NEW_PRIVS] = do_no_new_privs, [STEP_KEEPCAPS] = do_keepcaps,
    [STEP_SETGROUPS] = do_setgroups, [STEP_SETGID] = do_setgid, [STEP_SETUID] = do_setuid,
    [STEP_CAP_BOUNDING] = do_cap_bounding, [STEP_CAPSET] = do_capset, [STEP_AMBIENT] = do_ambient,
    [STEP_UMASK] = do_umask, [STEP_FIND_EXEC] = do_find_exec, [STEP_READY] = do_ready,
    [STEP_WAIT_START] = do_wait_start, [STEP_CLOSE_FDS] = do_close_fds, [STEP_EXEC] = do_exec,
    [STEP_SETSID] = do_setsid, [STEP_SECCOMP] = do_seccomp, [STEP_CONSOLE] = do_console,
    [STEP_SCHED_SETATTR] = do_sched_setattr, [STEP_IOPRIO_SET] = do_ioprio_set,
    [STEP_PERSONALITY] = do_personality,
};

/* posix_spawn passes on the JVM's signal mask and ignored signals (execve(2) keeps both); the
   container must start from the defaults. Errors are expected for SIGKILL, SIGSTOP and the
   signals glibc reserves (32, 33): those are skipped. */
static void reset_signals(void)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    for (int sig = 1; sig <= 64; sig++)
        sigaction(sig, &dfl, NULL);
}

/*
 * CVE-2019-5736: a process in the container could open /proc/PID/exe of a launcher that joins its
 * namespaces and, once the launcher execs, write through it into the host's binary. So the
 * launcher first re-executes itself from a sealed memfd copy: its /proc/PID/exe is then an
 * anonymous file that no one can write (F_SEAL_WRITE) and that vanishes with it (memfd_create(2),
 * fcntl(2) "File Sealing"). Already sealed means this is the copy: go on.
 */
static void run_from_sealed_copy(char **argv)
{
    int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (exe < 0)
        return; /* no /proc: nothing to protect through it either */
    int seals = fcntl(exe, F_GET_SEALS);
    if (seals >= 0 && (seals & F_SEAL_WRITE)) {
        close(exe);
        return;
    }
    struct stat st;
    int copy = memfd_create("berth-launcher", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (copy < 0 || fstat(exe, &st) < 0)
        goto fail;
    for (off_t done = 0; done < st.st_size;) {
        ssize_t n = sendfile(copy, exe, NULL, (size_t) (st.st_size - done));
        if (n <= 0)
            goto fail;
        done += n;
    }
    if (fcntl(copy, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
        goto fail;
    close(exe);
    extern char **environ;
    fexecve(copy, argv, environ);
fail:
    fprintf(stderr, "berth-launcher: cannot run from a sealed copy: %s\n", strerror(errno));
    exit(1);
}

int main(int argc, char **argv)
{
    char *end;
    long fd = argc == 2 ? strtol(argv[1], &end, 10) : -1;
    if (argc != 2 || *argv[1] == '\0' || *end != '\0' || fd < 0 || fd > INT_MAX) {
        fprintf(stderr, "usage: berth-launcher SOCKET_FD\n");
        return 2;
    }
    sock = (int) fd;
    run_from_sealed_copy(argv);
    reset_signals();
    /* Close-on-exec: berth learns that execve succeeded from EOF, as in the JDK's childproc.c. */
    if (fcntl(sock, F_SETFD, FD_CLOEXEC) < 0) {
        fprintf(stderr, "berth-launcher: fcntl %d: %s\n", sock, strerror(errno));
        return 1;
    }
    uint32_t count;
    struct step *steps = read_plan(&count);
    for (current = 0; (uint32_t) current < count; current++) {
        const struct step *st = &steps[current];
        int err = handlers[st->code](st);
        if (err == 0 || (err == ENOENT && (st->flags & IGNORE_ENOENT))
            || (err == EEXIST && (st->flags & IGNORE_EEXIST)))
            continue;
        fail(current, err);
    }
    return 0;
}
