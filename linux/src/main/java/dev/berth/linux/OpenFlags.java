package dev.berth.linux;

/**
 * Flags of open(2), with the values of x86_64 and arm64 ({@code asm-generic/fcntl.h}).
 *
 * <p>{@link Fd#open} always adds {@link #O_CLOEXEC}: without it, an fd opened on one thread leaks
 * into any process another thread spawns at the same moment.
 */
public final class OpenFlags {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NOCTTY = 0400;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_PATH = 010000000;

    private OpenFlags() {}
}
