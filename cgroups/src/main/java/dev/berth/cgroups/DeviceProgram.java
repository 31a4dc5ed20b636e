package dev.berth.cgroups;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles device rules into a BPF_PROG_TYPE_CGROUP_DEVICE program, cgroup v2's device
 * controller (Documentation/admin-guide/cgroup-v2.rst, "Device controller"). The kernel runs it
 * on every open, mknod and so on of a device node with a {@code struct bpf_cgroup_dev_ctx}
 * {access_type, major, minor} (u32 each; access_type = access << 16 | type) and allows the access
 * iff it returns 1.
 *
 * <p>Semantics, as runc's (libcontainer/cgroups/devices): a rule of type 'a' resets everything
 * before it, whatever its numbers and access (as devices.allow/deny does on v1, devices.rst):
 * allow makes the default "allow", deny makes it "deny". Later rules override earlier ones; with
 * no 'a' rule the default is deny. Rules are decided per access bit: each requested bit (r, w, m)
 * is allowed iff the last rule that matches the device and names that bit is an allow (or, with
 * no such rule, by the default), and the access needs all its bits allowed. So "allow c 1:5 rwm"
 * then "deny c 1:5 w" leaves /dev/zero readable, and an O_RDWR open needs both r and w.
 *
 * <p>The program walks the rules last first, tracking in R3 the requested bits not yet allowed:
 * a matching deny naming one of them returns 0, a matching allow clears its bits and returns 1
 * once none is left; falling off the end applies the default.
 */
final class DeviceProgram {
    /** The license the program is loaded under; device programs call no GPL-only helper. */
    static final String LICENSE = "Apache-2.0";

    // include/uapi/linux/bpf.h: enum bpf_devcg_access and bpf_devcg_dev_type.
    static final int ACC_MKNOD = 1;
    static final int ACC_READ = 2;
    static final int ACC_WRITE = 4;
    static final int DEV_BLOCK = 1;
    static final int DEV_CHAR = 2;

    // Opcodes (include/uapi/linux/bpf_common.h, bpf.h): class | operation | source.
    static final int LDX_W = 0x61;       // BPF_LDX | BPF_MEM | BPF_W: dst = *(u32 *)(src + off)
    static final int AND32_IMM = 0x54;   // BPF_ALU | BPF_AND | BPF_K
    static final int RSH32_IMM = 0x74;   // BPF_ALU | BPF_RSH | BPF_K
    static final int MOV32_IMM = 0xb4;   // BPF_ALU | BPF_MOV | BPF_K
    static final int MOV32_REG = 0xbc;   // BPF_ALU | BPF_MOV | BPF_X
    static final int MOV64_IMM = 0xb7;   // BPF_ALU64 | BPF_MOV | BPF_K
    // JMP32 (kernel 5.1+) compares the low 32 bits with the immediate as a u32, so device
    // numbers above 2^31 compare right; 64-bit BPF_JMP would sign-extend the immediate.
    static final int JEQ32_IMM = 0x16;   // BPF_JMP32 | BPF_JEQ | BPF_K
    static final int JNE32_IMM = 0x56;   // BPF_JMP32 | BPF_JNE | BPF_K
    static final int EXIT = 0x95;        // BPF_JMP | BPF_EXIT

    static final int R0 = 0;
    static final int R1 = 1;
    static final int TYPE = 2;
    static final int REMAINING = 3;
    static final int MAJOR = 4;
    static final int MINOR = 5;

    private DeviceProgram() {}

    /** The program for {@code rules}, {@code struct bpf_insn}s in little-endian order. */
    static byte[] compile(List<Resources.DeviceRule> rules) {
        List<Resources.DeviceRule> effective = new ArrayList<>();
        boolean defaultAllow = false;
        for (Resources.DeviceRule rule : rules) {
            checkNumbers(rule);
            if (rule.type() == 'a') {
                effective.clear();
                defaultAllow = rule.allow();
            } else {
                effective.add(rule);
            }
        }
        Assembler asm = new Assembler();
        prologue(asm);
        for (Resources.DeviceRule rule : effective.reversed()) {
            rule(asm, rule);
        }
        asm.add(MOV64_IMM, R0, 0, 0, defaultAllow ? 1 : 0);
        asm.add(EXIT, 0, 0, 0, 0);
        return asm.bytes();
    }

    /** The context's u32 fields into registers; R3 starts as every requested access bit. */
    private static void prologue(Assembler asm) {
        asm.add(LDX_W, TYPE, R1, 0, 0);
        asm.add(AND32_IMM, TYPE, 0, 0, 0xFFFF);
        asm.add(LDX_W, REMAINING, R1, 0, 0);
        asm.add(RSH32_IMM, REMAINING, 0, 0, 16);
        asm.add(LDX_W, MAJOR, R1, 4, 0);
        asm.add(LDX_W, MINOR, R1, 8, 0);
    }

    /** One rule: tests that skip the rest of the block when the device does not match, then the verdict. */
    private static void rule(Assembler asm, Resources.DeviceRule rule) {
        List<int[]> tests = new ArrayList<>();
        tests.add(new int[] {TYPE, rule.type() == 'b' ? DEV_BLOCK : DEV_CHAR});
        if (rule.major() != null) tests.add(new int[] {MAJOR, (int) (long) rule.major()});
        if (rule.minor() != null) tests.add(new int[] {MINOR, (int) (long) rule.minor()});
        int access = access(rule.access());
        int verdictLength = rule.allow() ? 4 : 5;
        for (int i = 0; i < tests.size(); i++) {
            int skip = tests.size() - i - 1 + verdictLength;
            asm.add(JNE32_IMM, tests.get(i)[0], 0, skip, tests.get(i)[1]);
        }
        if (rule.allow()) {
            asm.add(AND32_IMM, REMAINING, 0, 0, ~access);
            asm.add(JNE32_IMM, REMAINING, 0, 2, 0);
            asm.add(MOV64_IMM, R0, 0, 0, 1);
            asm.add(EXIT, 0, 0, 0, 0);
        } else {
            asm.add(MOV32_REG, R0, REMAINING, 0, 0);
            asm.add(AND32_IMM, R0, 0, 0, access);
            asm.add(JEQ32_IMM, R0, 0, 2, 0);
            asm.add(MOV64_IMM, R0, 0, 0, 0);
            asm.add(EXIT, 0, 0, 0, 0);
        }
    }

    static int access(String access) {
        int bits = 0;
        for (char c : access.toCharArray()) {
            bits |= switch (c) {
                case 'r' -> ACC_READ;
                case 'w' -> ACC_WRITE;
                case 'm' -> ACC_MKNOD;
                default -> throw new CgroupException("cgroup: devices rule access \"" + access
                        + "\" is not a combination of r, w and m");
            };
        }
        return bits;
    }

    /** The context holds u32 numbers; v1's devices.allow refuses larger ones too (EINVAL). */
    private static void checkNumbers(Resources.DeviceRule rule) {
        if ((rule.major() != null && rule.major() > 0xFFFF_FFFFL)
                || (rule.minor() != null && rule.minor() > 0xFFFF_FFFFL)) {
            throw new CgroupException("cgroup: devices rule \"" + rule.line()
                    + "\" has a device number above 2^32-1");
        }
    }

    /** Appends {@code struct bpf_insn {u8 code; u8 dst:4, src:4; s16 off; s32 imm;}}. */
    private static final class Assembler {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void add(int code, int dst, int src, int off, int imm) {
            // The register nibbles are bitfields: dst is the low one on little-endian hosts,
            // which both of berth's architectures (x86_64, arm64 Linux) are.
            ByteBuffer insn = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            insn.put((byte) code).put((byte) (dst | src << 4)).putShort((short) off).putInt(imm);
            out.writeBytes(insn.array());
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
