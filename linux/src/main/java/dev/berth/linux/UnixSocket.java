package dev.berth.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * AF_UNIX stream sockets where the JDK's own channels fall short: a connected socket as an
 * {@link Fd} that can be handed to a child (--console-socket), and receiving an fd sent with
 * SCM_RIGHTS (unix(7)), as runc's console protocol does.
 */
public final class UnixSocket {
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** CMSG_SPACE(sizeof(int)) on LP64: a 16-byte header plus the int padded to 8. */
    private static final long CONTROL_SIZE = 24;
    /** CMSG_LEN(sizeof(int)). */
    private static final long CMSG_LEN_INT = 20;
    private static final int MAX_PATH = 107;

    private UnixSocket() {}

    /** An fd and the message that came with it. */
    public record Received(Fd fd, String message) {}

    /** socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC) connected to {@code path}. */
    public static Fd connect(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment address = address(arena, path);
            Fd socket = socket(st, path);
            int fd = socket.number();
            while (Libc.connect(st, fd, address, (int) address.byteSize()) != 0) {
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) {
                    socket.close();
                    throw new SyscallException("connect", errno, path.toString());
                }
            }
            return socket;
        }
    }

    /** A listening socket bound to {@code path} (which must not exist yet). */
    public static Fd listen(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment address = address(arena, path);
            Fd socket = socket(st, path);
            if (Libc.bind(st, socket.number(), address, (int) address.byteSize()) != 0
                    || Libc.listen(st, socket.number(), 16) != 0) {
                int errno = Libc.errno(st);
                socket.close();
                throw new SyscallException("bind/listen", errno, path.toString());
            }
            return socket;
        }
    }

    /** accept4(2) of one connection, close-on-exec; blocks until one comes. */
    public static Fd accept(Fd listening) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            int fd;
            while ((fd = Libc.accept4(st, listening.number(), SOCK_CLOEXEC)) < 0) {
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) {
                    throw new SyscallException("accept4", errno, null);
                }
            }
            return Fd.adopt(fd, null);
        }
    }

    private static Fd socket(MemorySegment st, Path path) {
        int fd = Libc.socket(st, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new SyscallException("socket", Libc.errno(st), path.toString());
        }
        return Fd.adopt(fd, path.toString());
    }

    /** struct sockaddr_un for {@code path}, sized to the path and its NUL (unix(7)). */
    private static MemorySegment address(Arena arena, Path path) {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length > MAX_PATH) {
            throw new IllegalArgumentException("socket path longer than " + MAX_PATH + " bytes: " + path);
        }
        MemorySegment address = arena.allocate(2 + name.length + 1, 2);
        address.set(JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(name, 0, address, JAVA_BYTE, 2, name.length);
        return address;
    }

    /**
     * recvmsg(2) of one message carrying one fd (SCM_RIGHTS), received close-on-exec. EOF or a
     * message without an fd is an error.
     */
    public static Received receiveFd(Fd socket) {
        byte[] data = new byte[4096];
        Message message = receive(socket, data, 0, data.length);
        if (message.fd() == null) {
            throw new SyscallException("recvmsg", Errno.EBADMSG,
                    message.length() <= 0 ? "end of stream, no fd" : "no SCM_RIGHTS fd");
        }
        return new Received(message.fd(), new String(data, 0, message.length(), StandardCharsets.UTF_8));
    }

    /** What {@link #receive} got: a byte count (-1 at end of stream) and an fd, if one came along. */
    public record Message(int length, Fd fd) {}

    /**
     * recvmsg(2) into {@code buf[off, off+len)}, with room for one SCM_RIGHTS fd, which arrives
     * close-on-exec. A plain read(2) of the bytes an fd rides on would close that fd (unix(7)),
     * so a stream that may carry fds is read with this alone.
     */
    public static Message receive(Fd socket, byte[] buf, int off, int len) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment data = arena.allocate(Math.max(1, len));
            MemorySegment control = arena.allocate(CONTROL_SIZE, 8);
            MemorySegment msg = header(arena, data, len, control);
            long n;
            while ((n = Libc.recvmsg(st, socket.number(), msg, MSG_CMSG_CLOEXEC)) < 0) {
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) {
                    throw new SyscallException("recvmsg", errno, null);
                }
            }
            Fd fd = null;
            if (msg.get(JAVA_LONG, 40) >= CMSG_LEN_INT && control.get(JAVA_INT, 8) == SOL_SOCKET
                    && control.get(JAVA_INT, 12) == SCM_RIGHTS) {
                fd = Fd.adopt(control.get(JAVA_INT, 16), null);
            }
            MemorySegment.copy(data, JAVA_BYTE, 0, buf, off, (int) n);
            return new Message(n == 0 && fd == null ? -1 : (int) n, fd);
        }
    }

    /** sendmsg(2) of {@code message} with {@code fd} attached (SCM_RIGHTS). */
    public static void sendFd(Fd socket, byte[] message, Fd fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment data = arena.allocate(Math.max(1, message.length));
            MemorySegment.copy(message, 0, data, JAVA_BYTE, 0, message.length);
            MemorySegment control = arena.allocate(CONTROL_SIZE, 8);
            control.set(JAVA_LONG, 0, CMSG_LEN_INT);
            control.set(JAVA_INT, 8, SOL_SOCKET);
            control.set(JAVA_INT, 12, SCM_RIGHTS);
            control.set(JAVA_INT, 16, fd.number());
            MemorySegment msg = header(arena, data, message.length, control);
            while (Libc.sendmsg(st, socket.number(), msg, MSG_NOSIGNAL) < 0) {
                int errno = Libc.errno(st);
                if (errno != Errno.EINTR) {
                    throw new SyscallException("sendmsg", errno, null);
                }
            }
        }
    }

    /** struct msghdr (LP64: 56 bytes) over one iovec and a control buffer for one fd. */
    private static MemorySegment header(Arena arena, MemorySegment data, long length, MemorySegment control) {
        MemorySegment iov = arena.allocate(16, 8);
        iov.set(JAVA_LONG, 0, data.address());
        iov.set(JAVA_LONG, 8, length);
        MemorySegment msg = arena.allocate(56, 8);
        msg.set(JAVA_LONG, 16, iov.address());
        msg.set(JAVA_LONG, 24, 1);
        msg.set(JAVA_LONG, 32, control.address());
        msg.set(JAVA_LONG, 40, control.byteSize());
        return msg;
    }
}
