package dev.berth.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The bpf(2) commands berth needs for cgroup v2 device control: load a
 * BPF_PROG_TYPE_CGROUP_DEVICE program, attach it to a cgroup2 directory, and find and detach the
 * programs attached before it (Documentation/admin-guide/cgroup-v2.rst, "Device controller").
 *
 * <p>Each command fills the part of {@code union bpf_attr} it reads (include/uapi/linux/bpf.h);
 * the rest must be zero, since the kernel refuses non-zero bytes beyond the fields it knows
 * (bpf_check_uarg_tail_zero), which a zeroing arena guarantees. The size passed is that of the
 * zeroed buffer: a kernel whose union is smaller checks that the extra tail is zero, one whose
 * union is larger reads only what is passed.
 */
public final class Bpf {
    // enum bpf_cmd
    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_ATTACH = 8;
    private static final int BPF_PROG_DETACH = 9;
    private static final int BPF_PROG_GET_FD_BY_ID = 13;
    private static final int BPF_PROG_QUERY = 16;
    // enum bpf_prog_type, enum bpf_attach_type
    private static final int BPF_PROG_TYPE_CGROUP_DEVICE = 15;
    private static final int BPF_CGROUP_DEVICE = 6;
    /** Lets other programs stay attached to the same cgroup; all of them must allow an access. */
    private static final int BPF_F_ALLOW_MULTI = 1 << 1;

    private static final long ATTR_SIZE = 128;
    private static final int INSN_SIZE = 8;
    /** The verifier log's buffer; the kernel wants at least 128 bytes and at most UINT_MAX >> 2. */
    private static final int LOG_SIZE = 256 * 1024;
    /** A cgroup holds at most BPF_CGROUP_MAX_PROGS (64) programs per attach type. */
    private static final int MAX_QUERIED = 64;

    private Bpf() {}

    /**
     * BPF_PROG_LOAD of a BPF_PROG_TYPE_CGROUP_DEVICE program.
     *
     * @param insns   the program, {@code struct bpf_insn}s of 8 bytes each in the host's byte order
     * @param license e.g. "Apache-2.0"; only GPL-compatible programs may call GPL-only helpers,
     *                which device programs do not need
     * @return the program's fd; the program lives while an fd or an attachment refers to it
     * @throws SyscallException naming bpf(BPF_PROG_LOAD), with the verifier's log when it refused
     */
    public static Fd loadCgroupDeviceProgram(byte[] insns, String license) {
        if (insns.length == 0 || insns.length % INSN_SIZE != 0) {
            throw new IllegalArgumentException("a BPF program is a non-empty sequence of 8-byte instructions, not "
                    + insns.length + " bytes");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment code = arena.allocate(insns.length, 8);
            code.copyFrom(MemorySegment.ofArray(insns));
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, BPF_PROG_TYPE_CGROUP_DEVICE);
            attr.set(JAVA_INT, 4, insns.length / INSN_SIZE);
            attr.set(JAVA_LONG, 8, Libc.address(code));
            attr.set(JAVA_LONG, 16, Libc.address(Libc.cString(arena, license)));
            attr.set(JAVA_INT, 68, BPF_CGROUP_DEVICE); // expected_attach_type
            // First without a log, as libbpf does: a log costs verifier time, and with a buffer
            // too small for it a valid program fails with ENOSPC on older kernels.
            int fd = bpf(st, BPF_PROG_LOAD, attr);
            if (fd >= 0) return Fd.adopt(fd, "bpf program");
            int errno = Libc.errno(st);
            if (errno != Errno.EINVAL && errno != Errno.EACCES) {
                throw new SyscallException("bpf(BPF_PROG_LOAD)", errno, null);
            }
            return loadWithLog(arena, st, attr);
        }
    }

    /** Loads again with log_level 1 so that the refusal comes with the verifier's reasons. */
    private static Fd loadWithLog(Arena arena, MemorySegment st, MemorySegment attr) {
        MemorySegment log = arena.allocate(LOG_SIZE);
        attr.set(JAVA_INT, 24, 1);
        attr.set(JAVA_INT, 28, LOG_SIZE);
        attr.set(JAVA_LONG, 32, Libc.address(log));
        int fd = bpf(st, BPF_PROG_LOAD, attr);
        // The first refusal may have been transient (e.g. memory); a program is a program.
        if (fd >= 0) return Fd.adopt(fd, "bpf program");
        throw new SyscallException("bpf(BPF_PROG_LOAD)", Libc.errno(st), null,
                "verifier log:\n" + cStringAt(log));
    }

    /**
     * BPF_PROG_ATTACH of {@code program} to the cgroup2 directory {@code cgroupDir} as its
     * BPF_CGROUP_DEVICE program, with BPF_F_ALLOW_MULTI: programs attached earlier, here or in
     * ancestors, keep running too, and an access needs every one of them to allow it.
     */
    public static void attachCgroupDevice(Fd cgroupDir, Fd program) {
        attachOrDetach(BPF_PROG_ATTACH, "bpf(BPF_PROG_ATTACH)", cgroupDir, program, BPF_F_ALLOW_MULTI);
    }

    /** BPF_PROG_DETACH of {@code program} from {@code cgroupDir}'s BPF_CGROUP_DEVICE programs. */
    public static void detachCgroupDevice(Fd cgroupDir, Fd program) {
        attachOrDetach(BPF_PROG_DETACH, "bpf(BPF_PROG_DETACH)", cgroupDir, program, 0);
    }

    private static void attachOrDetach(int command, String name, Fd cgroupDir, Fd program, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, cgroupDir.number());
            attr.set(JAVA_INT, 4, program.number());
            attr.set(JAVA_INT, 8, BPF_CGROUP_DEVICE);
            attr.set(JAVA_INT, 12, flags);
            if (bpf(st, command, attr) < 0) throw new SyscallException(name, Libc.errno(st), cgroupDir.path());
        }
    }

    /**
     * BPF_PROG_QUERY: the ids of the BPF_CGROUP_DEVICE programs attached to {@code cgroupDir}
     * itself (not those inherited from ancestors), in attachment order.
     */
    public static int[] cgroupDevicePrograms(Fd cgroupDir) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment ids = arena.allocate((long) MAX_QUERIED * Integer.BYTES, 4);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, cgroupDir.number());
            attr.set(JAVA_INT, 4, BPF_CGROUP_DEVICE);
            attr.set(JAVA_LONG, 16, Libc.address(ids));
            attr.set(JAVA_INT, 24, MAX_QUERIED);
            if (bpf(st, BPF_PROG_QUERY, attr) < 0) {
                throw new SyscallException("bpf(BPF_PROG_QUERY)", Libc.errno(st), cgroupDir.path());
            }
            int count = attr.get(JAVA_INT, 24);
            return ids.asSlice(0, (long) count * Integer.BYTES).toArray(JAVA_INT);
        }
    }

    /** BPF_PROG_GET_FD_BY_ID: an fd for the loaded program {@code id}, e.g. to detach it. */
    public static Fd programById(int id) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(arena);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, id);
            int fd = bpf(st, BPF_PROG_GET_FD_BY_ID, attr);
            if (fd < 0) throw new SyscallException("bpf(BPF_PROG_GET_FD_BY_ID)", Libc.errno(st), "program " + id);
            return Fd.adopt(fd, "bpf program " + id);
        }
    }

    private static int bpf(MemorySegment st, int command, MemorySegment attr) {
        return (int) Libc.syscall(st, Syscall.BPF, command, Libc.address(attr), ATTR_SIZE, 0);
    }

    private static String cStringAt(MemorySegment buffer) {
        long length = 0;
        while (length < buffer.byteSize() && buffer.get(JAVA_BYTE, length) != 0) length++;
        return new String(buffer.asSlice(0, length).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }
}
