package dev.berth.linux;

/**
 * The system calls berth makes through {@link Libc#syscall}, with their numbers on x86_64 and
 * arm64.
 *
 * <p>x86_64 numbers are those of the kernel's {@code arch/x86/entry/syscalls/syscall_64.tbl}
 * ({@code asm/unistd_64.h}), arm64 numbers those of {@code include/uapi/asm-generic/unistd.h}.
 * arm64 has only the *at and p* forms (no open, mknod or poll), so those are used on both. Calls
 * added since Linux 5.1 have one number on every architecture. SyscallTest checks both columns
 * against the installed kernel headers.
 */
enum Syscall {
    READ(0, 63),
    WRITE(1, 64),
    CLOSE(3, 57),
    GETPID(39, 172),
    SOCKET(41, 198),
    CONNECT(42, 203),
    SENDMSG(46, 211),
    RECVMSG(47, 212),
    BIND(49, 200),
    LISTEN(50, 201),
    ACCEPT4(288, 242),
    SOCKETPAIR(53, 199),
    WAIT4(61, 260),
    KILL(62, 129),
    FCNTL(72, 25),
    GETEUID(107, 175),
    STATFS(137, 43),
    PRCTL(157, 167),
    MOUNT(165, 40),
    UMOUNT2(166, 39),
    LSETXATTR(189, 6),
    LGETXATTR(192, 9),
    LLISTXATTR(195, 12),
    OPENAT(257, 56),
    MKNODAT(259, 33),
    FCHMODAT(268, 53),
    PPOLL(271, 73),
    UTIMENSAT(280, 88),
    BPF(321, 280),
    PIDFD_SEND_SIGNAL(424, 424),
    MOVE_MOUNT(429, 429),
    FSOPEN(430, 430),
    FSCONFIG(431, 431),
    FSMOUNT(432, 432),
    PIDFD_OPEN(434, 434);

    final long x86_64;
    final long arm64;
    /** The number on the architecture this JVM runs on. */
    final long number;

    Syscall(long x86_64, long arm64) {
        this.x86_64 = x86_64;
        this.arm64 = arm64;
        this.number = Architecture.X86_64 ? x86_64 : arm64;
    }

    /** A holder: an enum constructor cannot read the enum's own non-constant static fields. */
    private static final class Architecture {
        static final boolean X86_64 = isX86_64(System.getProperty("os.arch"));

        private static boolean isX86_64(String arch) {
            return switch (arch) {
                case "amd64", "x86_64" -> true;
                case "aarch64" -> false;
                default -> throw new UnsupportedOperationException(
                        "berth knows the system call numbers of x86_64 and aarch64 only, not of " + arch);
            };
        }
    }
}
