package dev.berth.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Two connected AF_UNIX stream sockets: one end stays with us, the other is meant to be mapped
 * into a child by {@link Spawn#spawn} (and then closed here, so that the child's exit shows up as
 * end of file on our end).
 */
public record SocketPair(Fd parentEnd, Fd childEnd) implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 02000000;

    /** socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0). */
    public static SocketPair create() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            if (Libc.socketpair(st, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
                throw new SyscallException("socketpair", Libc.errno(st), null);
            }
            return new SocketPair(Fd.adopt(fds.getAtIndex(JAVA_INT, 0), null),
                    Fd.adopt(fds.getAtIndex(JAVA_INT, 1), null));
        }
    }

    /** Closes both ends (the child end even if closing the parent end fails). */
    @Override
    public void close() {
        try {
            parentEnd.close();
        } finally {
            childEnd.close();
        }
    }
}
