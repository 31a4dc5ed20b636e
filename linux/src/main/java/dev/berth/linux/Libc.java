package dev.berth.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Every call from berth into C, through ONE downcall shape: a function of seven word-sized
 * (integer or pointer) arguments that returns a word, with errno captured after the call.
 *
 * <p>Why one shape: the FFM linker spins code (a binding class, LambdaForms, a native stub) for
 * each distinct function descriptor and option set, on first use. On a cold JVM that cost
 * 3.5–7.5 ms per shape, with or without an AOT cache, on top of the first shape's ~60 ms (~25 ms
 * with the cache), and berth's CLI starts a JVM per call (DowncallShapeTest keeps it at one). The handle is not even bound to a symbol: the
 * function's address is its first argument, so another function costs a dlsym, not a bind.
 *
 * <p>System calls go through glibc's {@code syscall(long number, ...)}, which passes six longs to
 * the kernel and returns -1 with errno set on failure (syscall(2)). The posix_spawn(3) family,
 * which returns an error number instead, shares the shape with its unused arguments as zeros.
 * This relies on the calling conventions of the two ABIs berth runs on, x86_64 System V and
 * AAPCS64 on Linux, and glibc's syscall being assembly
 * ({@code sysdeps/unix/sysv/linux/<arch>/syscall.S}):
 * <ul>
 *   <li>integer and pointer arguments go to registers in order (x86_64: six, then the stack;
 *       arm64: eight), whatever the callee declares; the caller pops stack arguments, and a
 *       callee never reads registers or stack slots beyond its own parameters;
 *   <li>the descriptor is NOT variadic, although syscall is: for integer arguments the only
 *       difference is %al, the vector-register count an x86_64 variadic callee may read, and
 *       glibc's syscall.S never reads it (arm64 Linux passes variadic arguments like fixed ones,
 *       cf. the JDK's LinuxAArch64CallArranger). {@link Linker.Option#firstVariadicArg} made the
 *       JDK add a %al binding and an insertArguments adapter: 5–9 ms more on a cold JVM;
 *   <li>an {@code int} result is the low half of the returned word (hence the casts to int); an
 *       int argument is passed sign-extended; pointers are passed by
 *       {@link MemorySegment#address()}, so the caller keeps the segments alive over the call.
 * </ul>
 *
 * <p>No {@link Linker.Option#critical} variant: it is another cache entry (measured 1.5–3 ms cold)
 * to save a thread-state transition of a few nanoseconds per call, and it must not be used for
 * calls that may block (read, wait4, ppoll, posix_spawn), i.e. most calls here.
 */
@SuppressWarnings("restricted") // binding native functions is this class's whole purpose
final class Libc {
    private static final long AT_FDCWD = -100;
    private static final int S_IFIFO = 0010000;

    private Libc() {}

    /** Linker, lookup and errno layout; a holder so that they are created on first use only. */
    private static final class Base {
        static final Linker LINKER = Linker.nativeLinker();
        static final long CAPTURE_SIZE = Linker.Option.captureStateLayout().byteSize();
        static final long CAPTURE_ALIGNMENT = Linker.Option.captureStateLayout().byteAlignment();
        static final long ERRNO_OFFSET =
                Linker.Option.captureStateLayout().byteOffset(PathElement.groupElement("errno"));
    }

    /**
     * The one downcall handle: (function, errno state, seven words) -> word. Not variadic,
     * although syscall(2) is: see the class comment.
     */
    private static final class Words {
        static final MethodHandle H = Base.LINKER.downcallHandle(
                FunctionDescriptor.of(JAVA_LONG,
                        JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                Linker.Option.captureCallState("errno"));
        static final MemorySegment SYSCALL = symbol("syscall");
    }

    static MemorySegment errnoState(Arena arena) {
        return arena.allocate(Base.CAPTURE_SIZE, Base.CAPTURE_ALIGNMENT);
    }

    static int errno(MemorySegment errnoState) {
        return errnoState.get(JAVA_INT, Base.ERRNO_OFFSET);
    }

    /**
     * A NUL-terminated UTF-8 copy of {@code s}. A Java string may contain U+0000, which C would
     * silently read as the end of the string (e.g. "/etc\0/passwd" opening "/etc"), so it is
     * rejected instead.
     */
    static MemorySegment cString(Arena arena, String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("string contains a NUL character: " + s.replace("\0", "\\0"));
        }
        // Not arena.allocateFrom(s): on a cold JVM its charset dispatch and VarHandle cost ~1 ms
        // (with the AOT cache) more than a bulk copy. The arena zeroes memory: that is the NUL.
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment string = arena.allocate(utf8.length + 1L);
        string.copyFrom(MemorySegment.ofArray(utf8));
        return string;
    }

    static Optional<MemorySegment> find(String symbol) {
        return Base.LINKER.defaultLookup().find(symbol);
    }

    static MemorySegment symbol(String name) {
        // Not orElseThrow(supplier): a lambda costs a spun class on a cold JVM.
        Optional<MemorySegment> symbol = find(name);
        if (symbol.isEmpty()) throw new UnsatisfiedLinkError("libc has no symbol " + name);
        return symbol.get();
    }

    /**
     * The address C sees. Only native memory has one: a heap segment's address() is an offset
     * into its array, which the GC may move.
     */
    static long address(MemorySegment segment) {
        if (!segment.isNative()) throw new IllegalArgumentException("not native memory: " + segment);
        return segment.address();
    }

    /**
     * Calls {@code function} with seven word arguments; {@code st} receives errno. The segments
     * whose addresses are passed must stay alive until this returns (callers allocate them in a
     * confined arena they close afterwards).
     */
    static long call(MemorySegment function, MemorySegment st,
            long a1, long a2, long a3, long a4, long a5, long a6, long a7) {
        try { return (long) Words.H.invokeExact(function, st, a1, a2, a3, a4, a5, a6, a7); }
        catch (Throwable t) { throw rethrow(t); }
    }

    /** syscall(2): the raw result, or -1 with errno in {@code st}. */
    static long syscall(MemorySegment st, Syscall call,
            long a1, long a2, long a3, long a4, long a5, long a6) {
        return call(Words.SYSCALL, st, call.number, a1, a2, a3, a4, a5, a6);
    }

    static long syscall(MemorySegment st, Syscall call, long a1, long a2, long a3, long a4) {
        return syscall(st, call, a1, a2, a3, a4, 0, 0);
    }

    /** invokeExact declares Throwable; downcalls throw nothing checked, so this is only a guard. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("native call failed unexpectedly", t);
    }

    // ---- file descriptors: system calls, -1 and errno on failure ---------------------------

    /** open(2) as openat(AT_FDCWD, ...), which is what glibc's open does, and all arm64 has. */
    static int open(MemorySegment st, MemorySegment path, int flags, int mode) {
        return (int) syscall(st, Syscall.OPENAT, AT_FDCWD, address(path), flags, mode);
    }

    static int close(MemorySegment st, int fd) {
        return (int) syscall(st, Syscall.CLOSE, fd, 0, 0, 0);
    }

    static long read(MemorySegment st, int fd, MemorySegment buf, long count) {
        return syscall(st, Syscall.READ, fd, address(buf), count, 0);
    }

    static long write(MemorySegment st, int fd, MemorySegment buf, long count) {
        return syscall(st, Syscall.WRITE, fd, address(buf), count, 0);
    }

    /** ppoll(2) with no signal mask: poll(2) with a timespec timeout (arm64 has no poll). */
    static int ppoll(MemorySegment st, MemorySegment fds, long nfds, MemorySegment timeout) {
        return (int) syscall(st, Syscall.PPOLL, address(fds), nfds, address(timeout), 0);
    }

    /** fcntl(2) with an int argument, as every command used here takes. */
    static int fcntl(MemorySegment st, int fd, int cmd, int arg) {
        return (int) syscall(st, Syscall.FCNTL, fd, cmd, arg, 0);
    }

    static int socket(MemorySegment st, int domain, int type, int protocol) {
        return (int) syscall(st, Syscall.SOCKET, domain, type, protocol, 0);
    }

    static int connect(MemorySegment st, int fd, MemorySegment address, int length) {
        return (int) syscall(st, Syscall.CONNECT, fd, address(address), length, 0);
    }

    static int bind(MemorySegment st, int fd, MemorySegment address, int length) {
        return (int) syscall(st, Syscall.BIND, fd, address(address), length, 0);
    }

    static int listen(MemorySegment st, int fd, int backlog) {
        return (int) syscall(st, Syscall.LISTEN, fd, backlog, 0, 0);
    }

    static int accept4(MemorySegment st, int fd, int flags) {
        return (int) syscall(st, Syscall.ACCEPT4, fd, 0, 0, flags);
    }

    static long sendmsg(MemorySegment st, int fd, MemorySegment msghdr, int flags) {
        return syscall(st, Syscall.SENDMSG, fd, address(msghdr), flags, 0);
    }

    static long recvmsg(MemorySegment st, int fd, MemorySegment msghdr, int flags) {
        return syscall(st, Syscall.RECVMSG, fd, address(msghdr), flags, 0);
    }

    static int socketpair(MemorySegment st, int domain, int type, int protocol, MemorySegment sv) {
        return (int) syscall(st, Syscall.SOCKETPAIR, domain, type, protocol, address(sv));
    }

    // ---- processes -------------------------------------------------------------------------

    /** waitpid(2) as wait4(pid, status, options, NULL), which is what glibc's waitpid does. */
    static int waitpid(MemorySegment st, int pid, MemorySegment status, int options) {
        return (int) syscall(st, Syscall.WAIT4, pid, address(status), options, 0);
    }

    static int kill(MemorySegment st, int pid, int signal) {
        return (int) syscall(st, Syscall.KILL, pid, signal, 0, 0);
    }

    static int prctl(MemorySegment st, int option, long a2, long a3, long a4, long a5) {
        return (int) syscall(st, Syscall.PRCTL, option, a2, a3, a4, a5, 0);
    }

    static int pidfdOpen(MemorySegment st, int pid) {
        return (int) syscall(st, Syscall.PIDFD_OPEN, pid, 0, 0, 0);
    }

    /** pidfd_send_signal(2) with no siginfo and no flags. */
    static int pidfdSendSignal(MemorySegment st, int pidfd, int signal) {
        return (int) syscall(st, Syscall.PIDFD_SEND_SIGNAL, pidfd, signal, 0, 0);
    }

    /** getpid(2) and geteuid(2) cannot fail; errno is captured and ignored. */
    static int getpid() {
        try (Arena arena = Arena.ofConfined()) {
            return (int) syscall(errnoState(arena), Syscall.GETPID, 0, 0, 0, 0);
        }
    }

    static int geteuid() {
        try (Arena arena = Arena.ofConfined()) {
            return (int) syscall(errnoState(arena), Syscall.GETEUID, 0, 0, 0, 0);
        }
    }

    // ---- file systems ----------------------------------------------------------------------

    /** mkfifo(3) as mknodat(AT_FDCWD, path, S_IFIFO | mode, 0), which is what glibc's does. */
    static int mkfifo(MemorySegment st, MemorySegment path, int mode) {
        return (int) syscall(st, Syscall.MKNODAT, AT_FDCWD, address(path), S_IFIFO | mode, 0);
    }

    /** mknodat(AT_FDCWD, path, mode, dev): the kernel takes dev as new_encode_dev's 32 bits. */
    static int mknod(MemorySegment st, MemorySegment path, int mode, long dev) {
        return (int) syscall(st, Syscall.MKNODAT, AT_FDCWD, address(path), mode, dev);
    }

    /** fchmodat(AT_FDCWD, path, mode, 0): chmod(2), which follows a symlink in the last component. */
    static int chmod(MemorySegment st, MemorySegment path, int mode) {
        return (int) syscall(st, Syscall.FCHMODAT, AT_FDCWD, address(path), mode, 0);
    }

    /** utimensat(AT_FDCWD, path, times, flags); times points at two struct timespec. */
    static int utimensat(MemorySegment st, MemorySegment path, MemorySegment times, int flags) {
        return (int) syscall(st, Syscall.UTIMENSAT, AT_FDCWD, address(path), address(times), flags);
    }

    // The l*xattr calls act on a symlink itself, never on what it points to (xattr(7)).

    static int lsetxattr(MemorySegment st, MemorySegment path, MemorySegment name, MemorySegment value,
            long size, int flags) {
        return (int) syscall(st, Syscall.LSETXATTR, address(path), address(name), address(value), size, flags, 0);
    }

    static long lgetxattr(MemorySegment st, MemorySegment path, MemorySegment name, MemorySegment value, long size) {
        return syscall(st, Syscall.LGETXATTR, address(path), address(name), address(value), size);
    }

    static long llistxattr(MemorySegment st, MemorySegment path, MemorySegment list, long size) {
        return syscall(st, Syscall.LLISTXATTR, address(path), address(list), size, 0);
    }

    // ---- the new mount API (Linux 5.2): fsopen, fsconfig, fsmount, move_mount ----------

    static int fsopen(MemorySegment st, MemorySegment fsName, int flags) {
        return (int) syscall(st, Syscall.FSOPEN, address(fsName), flags, 0, 0);
    }

    static int fsconfig(MemorySegment st, int fd, int cmd, MemorySegment key, MemorySegment value, int aux) {
        return (int) syscall(st, Syscall.FSCONFIG, fd, cmd, address(key), address(value), aux, 0);
    }

    static int fsmount(MemorySegment st, int fd, int flags, long attrFlags) {
        return (int) syscall(st, Syscall.FSMOUNT, fd, flags, attrFlags, 0);
    }

    /** move_mount(from_dfd, from_path, AT_FDCWD, to_path, flags). */
    static int moveMount(MemorySegment st, int fromFd, MemorySegment fromPath, MemorySegment toPath, int flags) {
        return (int) syscall(st, Syscall.MOVE_MOUNT, fromFd, address(fromPath), AT_FDCWD, address(toPath), flags, 0);
    }

    static int mount(MemorySegment st, MemorySegment source, MemorySegment target,
            MemorySegment fstype, long flags, MemorySegment data) {
        return (int) syscall(st, Syscall.MOUNT, address(source), address(target),
                address(fstype), flags, address(data), 0);
    }

    static int umount2(MemorySegment st, MemorySegment target, int flags) {
        return (int) syscall(st, Syscall.UMOUNT2, address(target), flags, 0, 0);
    }

    /** statfs(2); the kernel's struct statfs is glibc's on 64-bit architectures. */
    static int statfs(MemorySegment st, MemorySegment path, MemorySegment buf) {
        return (int) syscall(st, Syscall.STATFS, address(path), address(buf), 0, 0);
    }

    // ---- posix_spawn(3) and helpers: glibc functions that return an error number -----------

    /** The family's symbols, looked up together on the first spawn (dlsym only, no binding). */
    private static final class SpawnFunctions {
        static final MemorySegment SPAWN = symbol("posix_spawn");
        static final MemorySegment ACTIONS_INIT = symbol("posix_spawn_file_actions_init");
        static final MemorySegment ACTIONS_DESTROY = symbol("posix_spawn_file_actions_destroy");
        static final MemorySegment ADD_DUP2 = symbol("posix_spawn_file_actions_adddup2");
        static final MemorySegment ADD_CLOSE = symbol("posix_spawn_file_actions_addclose");
        // A GNU extension since glibc 2.34; absent on older libcs, hence optional.
        static final Optional<MemorySegment> ADD_CLOSE_FROM = find("posix_spawn_file_actions_addclosefrom_np");
        static final MemorySegment ATTR_INIT = symbol("posix_spawnattr_init");
        static final MemorySegment ATTR_DESTROY = symbol("posix_spawnattr_destroy");
        static final MemorySegment SET_FLAGS = symbol("posix_spawnattr_setflags");
        static final MemorySegment SET_SIGMASK = symbol("posix_spawnattr_setsigmask");
        static final MemorySegment SET_SIGDEFAULT = symbol("posix_spawnattr_setsigdefault");
    }

    /** A function of the family with up to six arguments; the unused ones are passed as 0. */
    private static int spawnCall(MemorySegment function, MemorySegment st,
            long a1, long a2, long a3, long a4, long a5, long a6) {
        return (int) call(function, st, a1, a2, a3, a4, a5, a6, 0);
    }

    static int posixSpawn(MemorySegment st, MemorySegment pid, MemorySegment path, MemorySegment fileActions,
            MemorySegment attr, MemorySegment argv, MemorySegment envp) {
        return spawnCall(SpawnFunctions.SPAWN, st, address(pid), address(path), address(fileActions),
                address(attr), address(argv), address(envp));
    }

    static int fileActionsInit(MemorySegment st, MemorySegment fa) {
        return spawnCall(SpawnFunctions.ACTIONS_INIT, st, address(fa), 0, 0, 0, 0, 0);
    }

    static int fileActionsDestroy(MemorySegment st, MemorySegment fa) {
        return spawnCall(SpawnFunctions.ACTIONS_DESTROY, st, address(fa), 0, 0, 0, 0, 0);
    }

    static int fileActionsAddDup2(MemorySegment st, MemorySegment fa, int fd, int newFd) {
        return spawnCall(SpawnFunctions.ADD_DUP2, st, address(fa), fd, newFd, 0, 0, 0);
    }

    static int fileActionsAddClose(MemorySegment st, MemorySegment fa, int fd) {
        return spawnCall(SpawnFunctions.ADD_CLOSE, st, address(fa), fd, 0, 0, 0, 0);
    }

    static boolean hasAddCloseFrom() {
        return SpawnFunctions.ADD_CLOSE_FROM.isPresent();
    }

    static int fileActionsAddCloseFrom(MemorySegment st, MemorySegment fa, int lowFd) {
        return spawnCall(SpawnFunctions.ADD_CLOSE_FROM.orElseThrow(), st, address(fa), lowFd, 0, 0, 0, 0);
    }

    static int spawnAttrInit(MemorySegment st, MemorySegment attr) {
        return spawnCall(SpawnFunctions.ATTR_INIT, st, address(attr), 0, 0, 0, 0, 0);
    }

    static int spawnAttrDestroy(MemorySegment st, MemorySegment attr) {
        return spawnCall(SpawnFunctions.ATTR_DESTROY, st, address(attr), 0, 0, 0, 0, 0);
    }

    /** posix_spawnattr_setflags takes a short; a small positive value is the same word. */
    static int spawnAttrSetFlags(MemorySegment st, MemorySegment attr, short flags) {
        return spawnCall(SpawnFunctions.SET_FLAGS, st, address(attr), flags, 0, 0, 0, 0);
    }

    static int spawnAttrSetSigmask(MemorySegment st, MemorySegment attr, MemorySegment sigset) {
        return spawnCall(SpawnFunctions.SET_SIGMASK, st, address(attr), address(sigset), 0, 0, 0, 0);
    }

    static int spawnAttrSetSigdefault(MemorySegment st, MemorySegment attr, MemorySegment sigset) {
        return spawnCall(SpawnFunctions.SET_SIGDEFAULT, st, address(attr), address(sigset), 0, 0, 0, 0);
    }
}
