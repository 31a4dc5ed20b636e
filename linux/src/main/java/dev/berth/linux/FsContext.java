package dev.berth.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A filesystem context of the new mount API (Linux 5.2; fsopen(2), fsconfig(2), fsmount(2),
 * move_mount(2)): options are set one call each instead of as one mount(2) data string, which the
 * kernel cuts at one page. Errors carry the context's own log: the filesystem explains there why it
 * refused an option ("e overlay: ..."), which errno alone cannot.
 */
final class FsContext implements AutoCloseable {
    // <linux/mount.h>
    private static final int FSOPEN_CLOEXEC = 1;
    private static final int FSMOUNT_CLOEXEC = 1;
    private static final int FSCONFIG_SET_FLAG = 0;
    private static final int FSCONFIG_SET_STRING = 1;
    private static final int FSCONFIG_CMD_CREATE = 6;
    private static final int MOVE_MOUNT_F_EMPTY_PATH = 4;
    /** fsconfig(2) copies a string value with strndup_user(value, 256): 255 bytes and the NUL. */
    static final int MAX_STRING_VALUE = 255;
    /** A log message is at most a few hundred bytes; a too small buffer fails with EMSGSIZE. */
    private static final int LOG_BUFFER = 4096;

    private final Fd fd;
    private final String fsType;

    private FsContext(Fd fd, String fsType) {
        this.fd = fd;
        this.fsType = fsType;
    }

    /** fsopen(2) of {@code fsType}, e.g. "overlay"; ENODEV if the kernel knows no such type. */
    static FsContext open(String fsType) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            int fd = Libc.fsopen(st, Libc.cString(arena, fsType), FSOPEN_CLOEXEC);
            if (fd < 0) throw new SyscallException("fsopen", Libc.errno(st), fsType);
            return new FsContext(Fd.adopt(fd, "fs context " + fsType), fsType);
        }
    }

    /** fsconfig(FSCONFIG_SET_STRING, key, value). */
    void setString(String key, String value) {
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_VALUE) {
            throw new IllegalArgumentException(fsType + " option " + key + "=" + value + ": fsconfig(2) takes at most "
                    + MAX_STRING_VALUE + " bytes per value");
        }
        configure(FSCONFIG_SET_STRING, key, value);
    }

    /** fsconfig(FSCONFIG_SET_FLAG, key): a valueless option such as "ro". */
    void setFlag(String key) {
        configure(FSCONFIG_SET_FLAG, key, null);
    }

    /** fsconfig(FSCONFIG_CMD_CREATE): makes the superblock; most option errors surface here. */
    void create() {
        configure(FSCONFIG_CMD_CREATE, null, null);
    }

    private void configure(int cmd, String key, String value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment cKey = key == null ? MemorySegment.NULL : Libc.cString(arena, key);
            MemorySegment cValue = value == null ? MemorySegment.NULL : Libc.cString(arena, value);
            if (Libc.fsconfig(st, fd.number(), cmd, cKey, cValue, 0) != 0) {
                int errno = Libc.errno(st);
                String what = key == null ? "create" : value == null ? key : key + "=" + value;
                throw new SyscallException("fsconfig", errno, fsType + " " + what, String.join("\n", log()));
            }
        }
    }

    /**
     * fsmount(2) then move_mount(2) onto {@code target}. {@code attributes} are MOUNT_ATTR_* bits
     * (MOUNT_ATTR_RDONLY, ...), which fsmount takes instead of mount(2)'s MS_* flags.
     */
    void mountOn(Path target, long attributes) {
        String t = target.toString();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            int mountFd = Libc.fsmount(st, fd.number(), FSMOUNT_CLOEXEC, attributes);
            if (mountFd < 0) throw new SyscallException("fsmount", Libc.errno(st), t, String.join("\n", log()));
            // The detached mount disappears when its fd closes, unless move_mount attached it.
            try (Fd mount = Fd.adopt(mountFd, "detached " + fsType + " mount")) {
                if (Libc.moveMount(st, mount.number(), Libc.cString(arena, ""), Libc.cString(arena, t),
                        MOVE_MOUNT_F_EMPTY_PATH) != 0) {
                    throw new SyscallException("move_mount", Libc.errno(st), t);
                }
            }
        }
    }

    /**
     * The messages queued in the context's log, read until ENODATA (fsopen(2): "e " errors,
     * "w " warnings, "i " information).
     */
    List<String> log() {
        List<String> messages = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment buf = arena.allocate(LOG_BUFFER);
            while (true) {
                long n = Libc.read(st, fd.number(), buf, LOG_BUFFER);
                if (n <= 0) break; // ENODATA: the log is empty; any other error: nothing more to say
                messages.add(new String(buf.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8));
            }
        }
        return messages;
    }

    @Override
    public void close() {
        fd.close();
    }
}
