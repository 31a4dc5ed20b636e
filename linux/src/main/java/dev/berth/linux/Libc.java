package dev.berth.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * Raw glibc entry points, one method per C function, mirroring the C signature.
 *
 * <p>Every symbol lives in its own holder class, so the JVM binds (looks up and links) a symbol
 * only when it is first called: loading {@code Libc} or one of its callers costs nothing.
 * Functions that report failure through errno take, as first argument, a call-state segment from
 * {@link #errnoState}; errno is captured by the linker right after the call
 * ({@link Linker.Option#captureCallState}), because any later JVM activity may overwrite the
 * thread's errno. Functions of the posix_spawn family return their error number instead.
 */
@SuppressWarnings("restricted") // binding native functions is this class's whole purpose
final class Libc {
    private Libc() {}

    /** Linker, lookup and errno layout; a holder so that they too are created on first use. */
    private static final class Base {
        static final Linker LINKER = Linker.nativeLinker();
        static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO =
                CAPTURE_LAYOUT.varHandle(PathElement.groupElement("errno"));
        static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    }

    static MemorySegment errnoState(Arena arena) {
        return arena.allocate(Base.CAPTURE_LAYOUT);
    }

    static int errno(MemorySegment errnoState) {
        return (int) Base.ERRNO.get(errnoState, 0L);
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
        return arena.allocateFrom(s);
    }

    static Optional<MemorySegment> find(String symbol) {
        return Base.LINKER.defaultLookup().find(symbol);
    }

    private static MemorySegment symbol(String name) {
        return find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
    }

    /** A handle whose first parameter receives errno; {@code variadicFrom} &lt; 0: not variadic. */
    private static MethodHandle withErrno(String name, FunctionDescriptor fd, int variadicFrom) {
        Linker.Option[] options = variadicFrom < 0
                ? new Linker.Option[] {Base.CAPTURE_ERRNO}
                : new Linker.Option[] {Base.CAPTURE_ERRNO, Linker.Option.firstVariadicArg(variadicFrom)};
        return Base.LINKER.downcallHandle(symbol(name), fd, options);
    }

    private static MethodHandle plain(String name, FunctionDescriptor fd) {
        return Base.LINKER.downcallHandle(symbol(name), fd);
    }

    /** invokeExact declares Throwable; downcalls throw nothing checked, so this is only a guard. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("native call failed unexpectedly", t);
    }

    // ---- file descriptors ------------------------------------------------------------------

    private static final class Open {
        // open(2) is variadic: the mode is read through va_arg only with O_CREAT/O_TMPFILE.
        static final MethodHandle H = withErrno("open",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
    }

    static int open(MemorySegment st, MemorySegment path, int flags, int mode) {
        try { return (int) Open.H.invokeExact(st, path, flags, mode); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class Close {
        static final MethodHandle H = withErrno("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
    }

    static int close(MemorySegment st, int fd) {
        try { return (int) Close.H.invokeExact(st, fd); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class Read {
        static final MethodHandle H = withErrno("read",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
    }

    static long read(MemorySegment st, int fd, MemorySegment buf, long count) {
        try { return (long) Read.H.invokeExact(st, fd, buf, count); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class Write {
        static final MethodHandle H = withErrno("write",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
    }

    static long write(MemorySegment st, int fd, MemorySegment buf, long count) {
        try { return (long) Write.H.invokeExact(st, fd, buf, count); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class Poll {
        static final MethodHandle H = withErrno("poll",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), -1);
    }

    static int poll(MemorySegment st, MemorySegment fds, long nfds, int timeoutMillis) {
        try { return (int) Poll.H.invokeExact(st, fds, nfds, timeoutMillis); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class Fcntl {
        // fcntl(2) is variadic; every command used here takes an int argument.
        static final MethodHandle H = withErrno("fcntl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 2);
    }

    static int fcntl(MemorySegment st, int fd, int cmd, int arg) {
        try { return (int) Fcntl.H.invokeExact(st, fd, cmd, arg); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class Socketpair {
        static final MethodHandle H = withErrno("socketpair",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), -1);
    }

    static int socketpair(MemorySegment st, int domain, int type, int protocol, MemorySegment sv) {
        try { return (int) Socketpair.H.invokeExact(st, domain, type, protocol, sv); }
        catch (Throwable t) { throw rethrow(t); }
    }

    // ---- processes -------------------------------------------------------------------------

    private static final class Waitpid {
        static final MethodHandle H = withErrno("waitpid",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
    }

    static int waitpid(MemorySegment st, int pid, MemorySegment status, int options) {
        try { return (int) Waitpid.H.invokeExact(st, pid, status, options); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class Kill {
        static final MethodHandle H = withErrno("kill",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
    }

    static int kill(MemorySegment st, int pid, int signal) {
        try { return (int) Kill.H.invokeExact(st, pid, signal); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class Prctl {
        // glibc declares prctl(int option, ...) and reads four unsigned longs with va_arg, so the
        // arguments are passed as longs: an int in a variadic slot would leave garbage in the
        // upper half of the register.
        static final MethodHandle H = withErrno("prctl", FunctionDescriptor.of(JAVA_INT,
                JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);
    }

    static int prctl(MemorySegment st, int option, long a2, long a3, long a4, long a5) {
        try { return (int) Prctl.H.invokeExact(st, option, a2, a3, a4, a5); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class Syscall {
        // syscall(2) reads six longs with va_arg; passing four (the rest unused) is valid C.
        static final MethodHandle H = withErrno("syscall", FunctionDescriptor.of(JAVA_LONG,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);
    }

    static long syscall(MemorySegment st, long number, long a1, long a2, long a3, long a4) {
        try { return (long) Syscall.H.invokeExact(st, number, a1, a2, a3, a4); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class Getpid {
        static final MethodHandle H = plain("getpid", FunctionDescriptor.of(JAVA_INT));
    }

    static int getpid() {
        try { return (int) Getpid.H.invokeExact(); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class Geteuid {
        static final MethodHandle H = plain("geteuid", FunctionDescriptor.of(JAVA_INT));
    }

    static int geteuid() {
        try { return (int) Geteuid.H.invokeExact(); }
        catch (Throwable t) { throw rethrow(t); }
    }

    // ---- file systems ----------------------------------------------------------------------

    private static final class Mkfifo {
        static final MethodHandle H = withErrno("mkfifo",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), -1);
    }

    static int mkfifo(MemorySegment st, MemorySegment path, int mode) {
        try { return (int) Mkfifo.H.invokeExact(st, path, mode); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class Mount {
        static final MethodHandle H = withErrno("mount", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), -1);
    }

    static int mount(MemorySegment st, MemorySegment source, MemorySegment target,
            MemorySegment fstype, long flags, MemorySegment data) {
        try { return (int) Mount.H.invokeExact(st, source, target, fstype, flags, data); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class Umount2 {
        static final MethodHandle H = withErrno("umount2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), -1);
    }

    static int umount2(MemorySegment st, MemorySegment target, int flags) {
        try { return (int) Umount2.H.invokeExact(st, target, flags); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class Statfs {
        static final MethodHandle H = withErrno("statfs",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), -1);
    }

    static int statfs(MemorySegment st, MemorySegment path, MemorySegment buf) {
        try { return (int) Statfs.H.invokeExact(st, path, buf); }
        catch (Throwable t) { throw rethrow(t); }
    }

    // ---- posix_spawn(3): these return an error number and leave errno alone ---------------

    private static final class PosixSpawn {
        static final MethodHandle H = plain("posix_spawn", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    }

    static int posixSpawn(MemorySegment pid, MemorySegment path, MemorySegment fileActions,
            MemorySegment attr, MemorySegment argv, MemorySegment envp) {
        try { return (int) PosixSpawn.H.invokeExact(pid, path, fileActions, attr, argv, envp); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class FileActions {
        static final MethodHandle INIT = plain("posix_spawn_file_actions_init",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle DESTROY = plain("posix_spawn_file_actions_destroy",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle ADD_DUP2 = plain("posix_spawn_file_actions_adddup2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        static final MethodHandle ADD_CLOSE = plain("posix_spawn_file_actions_addclose",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }

    static int fileActionsInit(MemorySegment fa) {
        try { return (int) FileActions.INIT.invokeExact(fa); }
        catch (Throwable t) { throw rethrow(t); }
    }

    static int fileActionsDestroy(MemorySegment fa) {
        try { return (int) FileActions.DESTROY.invokeExact(fa); }
        catch (Throwable t) { throw rethrow(t); }
    }

    static int fileActionsAddDup2(MemorySegment fa, int fd, int newFd) {
        try { return (int) FileActions.ADD_DUP2.invokeExact(fa, fd, newFd); }
        catch (Throwable t) { throw rethrow(t); }
    }

    static int fileActionsAddClose(MemorySegment fa, int fd) {
        try { return (int) FileActions.ADD_CLOSE.invokeExact(fa, fd); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class AddCloseFrom {
        // A GNU extension since glibc 2.34; absent on older libcs, hence optional.
        static final Optional<MethodHandle> H = find("posix_spawn_file_actions_addclosefrom_np")
                .map(s -> Base.LINKER.downcallHandle(s, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)));
    }

    static boolean hasAddCloseFrom() {
        return AddCloseFrom.H.isPresent();
    }

    static int fileActionsAddCloseFrom(MemorySegment fa, int lowFd) {
        try { return (int) AddCloseFrom.H.orElseThrow().invokeExact(fa, lowFd); }
        catch (Throwable t) { throw rethrow(t); }
    }

    private static final class SpawnAttr {
        static final MethodHandle INIT = plain("posix_spawnattr_init",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle DESTROY = plain("posix_spawnattr_destroy",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle SET_FLAGS = plain("posix_spawnattr_setflags",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
        static final MethodHandle SET_SIGMASK = plain("posix_spawnattr_setsigmask",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle SET_SIGDEFAULT = plain("posix_spawnattr_setsigdefault",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle SIGEMPTYSET = plain("sigemptyset",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle SIGFILLSET = plain("sigfillset",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    static int spawnAttrInit(MemorySegment attr) {
        try { return (int) SpawnAttr.INIT.invokeExact(attr); }
        catch (Throwable t) { throw rethrow(t); }
    }

    static int spawnAttrDestroy(MemorySegment attr) {
        try { return (int) SpawnAttr.DESTROY.invokeExact(attr); }
        catch (Throwable t) { throw rethrow(t); }
    }

    static int spawnAttrSetFlags(MemorySegment attr, short flags) {
        try { return (int) SpawnAttr.SET_FLAGS.invokeExact(attr, flags); }
        catch (Throwable t) { throw rethrow(t); }
    }

    static int spawnAttrSetSigmask(MemorySegment attr, MemorySegment sigset) {
        try { return (int) SpawnAttr.SET_SIGMASK.invokeExact(attr, sigset); }
        catch (Throwable t) { throw rethrow(t); }
    }

    static int spawnAttrSetSigdefault(MemorySegment attr, MemorySegment sigset) {
        try { return (int) SpawnAttr.SET_SIGDEFAULT.invokeExact(attr, sigset); }
        catch (Throwable t) { throw rethrow(t); }
    }

    static int sigemptyset(MemorySegment sigset) {
        try { return (int) SpawnAttr.SIGEMPTYSET.invokeExact(sigset); }
        catch (Throwable t) { throw rethrow(t); }
    }

    static int sigfillset(MemorySegment sigset) {
        try { return (int) SpawnAttr.SIGFILLSET.invokeExact(sigset); }
        catch (Throwable t) { throw rethrow(t); }
    }
}
