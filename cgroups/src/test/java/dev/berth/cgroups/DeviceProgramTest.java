package dev.berth.cgroups;

import static dev.berth.cgroups.DeviceProgram.ACC_MKNOD;
import static dev.berth.cgroups.DeviceProgram.ACC_READ;
import static dev.berth.cgroups.DeviceProgram.ACC_WRITE;
import static dev.berth.cgroups.DeviceProgram.DEV_BLOCK;
import static dev.berth.cgroups.DeviceProgram.DEV_CHAR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generated program run by {@link Interpreter}, an independent reading of the eBPF
 * instruction set (Documentation/bpf/standardization/instruction-set.rst), for every kind of
 * rule. RealV2DevicesTest shows the kernel's verifier accepts such programs and enforces them.
 */
class DeviceProgramTest {
    static final int RW = ACC_READ | ACC_WRITE;
    static final int RWM = RW | ACC_MKNOD;

    static Resources.DeviceRule allow(char type, Long major, Long minor, String access) {
        return new Resources.DeviceRule(true, type, major, minor, access);
    }

    static Resources.DeviceRule deny(char type, Long major, Long minor, String access) {
        return new Resources.DeviceRule(false, type, major, minor, access);
    }

    static final Resources.DeviceRule DENY_ALL = deny('a', null, null, "rwm");
    static final Resources.DeviceRule ALLOW_ALL = allow('a', null, null, "rwm");

    private static boolean allows(List<Resources.DeviceRule> rules, int type, int access, long major, long minor) {
        return Interpreter.run(DeviceProgram.compile(rules), access << 16 | type, (int) major, (int) minor) == 1;
    }

    @Test
    void noRulesDenyAndAllowAllAllows() {
        assertFalse(allows(List.of(), DEV_CHAR, ACC_READ, 1, 3));
        assertTrue(allows(List.of(ALLOW_ALL), DEV_CHAR, RWM, 1, 3));
        assertTrue(allows(List.of(ALLOW_ALL), DEV_BLOCK, ACC_WRITE, 8, 0));
        assertFalse(allows(List.of(DENY_ALL), DEV_BLOCK, ACC_READ, 8, 0));
    }

    @Test
    void aWhitelistAllowsExactlyTheListedDevicesAndAccesses() {
        List<Resources.DeviceRule> rules = List.of(DENY_ALL, allow('c', 1L, 3L, "rwm"), allow('c', 1L, 5L, "r"));
        assertTrue(allows(rules, DEV_CHAR, RW, 1, 3));
        assertTrue(allows(rules, DEV_CHAR, ACC_MKNOD, 1, 3));
        assertTrue(allows(rules, DEV_CHAR, ACC_READ, 1, 5));
        assertFalse(allows(rules, DEV_CHAR, ACC_WRITE, 1, 5));
        assertFalse(allows(rules, DEV_CHAR, RW, 1, 5), "O_RDWR needs both bits");
        assertFalse(allows(rules, DEV_CHAR, ACC_READ, 1, 7), "/dev/full is not listed");
        assertFalse(allows(rules, DEV_BLOCK, ACC_READ, 1, 3), "the type must match too");
    }

    @Test
    void aBlacklistDeniesOnlyTheListedBits() {
        List<Resources.DeviceRule> rules = List.of(ALLOW_ALL, deny('b', 8L, null, "w"));
        assertFalse(allows(rules, DEV_BLOCK, ACC_WRITE, 8, 16));
        assertFalse(allows(rules, DEV_BLOCK, RW, 8, 0));
        assertTrue(allows(rules, DEV_BLOCK, ACC_READ, 8, 0));
        assertTrue(allows(rules, DEV_CHAR, ACC_WRITE, 8, 0), "char 8:0 is another device");
        assertTrue(allows(rules, DEV_BLOCK, ACC_WRITE, 9, 0));
    }

    @Test
    void wildcardsMatchAnyNumber() {
        List<Resources.DeviceRule> rules = List.of(DENY_ALL, allow('c', null, 3L, "r"), allow('b', 7L, null, "m"));
        assertTrue(allows(rules, DEV_CHAR, ACC_READ, 1, 3));
        assertTrue(allows(rules, DEV_CHAR, ACC_READ, 200, 3));
        assertFalse(allows(rules, DEV_CHAR, ACC_READ, 1, 4));
        assertTrue(allows(rules, DEV_BLOCK, ACC_MKNOD, 7, 12345));
        assertFalse(allows(rules, DEV_BLOCK, ACC_READ, 7, 12345));
    }

    @Test
    void laterRulesOverrideEarlierOnesBitByBit() {
        Resources.DeviceRule zeroRwm = allow('c', 1L, 5L, "rwm");
        Resources.DeviceRule noZeroWrite = deny('c', 1L, 5L, "w");
        List<Resources.DeviceRule> denied = List.of(DENY_ALL, zeroRwm, noZeroWrite);
        assertTrue(allows(denied, DEV_CHAR, ACC_READ, 1, 5));
        assertFalse(allows(denied, DEV_CHAR, ACC_WRITE, 1, 5));
        assertFalse(allows(denied, DEV_CHAR, RW, 1, 5));

        List<Resources.DeviceRule> reallowed = List.of(DENY_ALL, zeroRwm, noZeroWrite, allow('c', 1L, 5L, "w"));
        assertTrue(allows(reallowed, DEV_CHAR, RW, 1, 5));

        List<Resources.DeviceRule> split = List.of(DENY_ALL, allow('c', 1L, 5L, "r"), allow('c', 1L, 5L, "w"));
        assertTrue(allows(split, DEV_CHAR, RW, 1, 5), "r and w from two rules make rw");
        assertFalse(allows(split, DEV_CHAR, ACC_MKNOD, 1, 5));
    }

    @Test
    void anAllRuleResetsEverythingBeforeIt() {
        List<Resources.DeviceRule> rules = List.of(allow('c', 1L, 3L, "rwm"), DENY_ALL, allow('c', 1L, 5L, "r"));
        assertFalse(allows(rules, DEV_CHAR, ACC_READ, 1, 3));
        assertTrue(allows(rules, DEV_CHAR, ACC_READ, 1, 5));
        // Like "a" written to devices.allow on v1, whatever numbers and access the line names.
        List<Resources.DeviceRule> reopened = List.of(DENY_ALL, deny('c', 1L, 3L, "rwm"), allow('a', 1L, 3L, "r"));
        assertTrue(allows(reopened, DEV_BLOCK, ACC_WRITE, 8, 0));
        assertTrue(allows(reopened, DEV_CHAR, ACC_WRITE, 1, 3));
    }

    @Test
    void deviceNumbersUseAllThirtyTwoBits() {
        List<Resources.DeviceRule> rules = List.of(DENY_ALL, allow('c', 0xFFFF_FFFFL, 0x8000_0000L, "r"));
        assertTrue(allows(rules, DEV_CHAR, ACC_READ, 0xFFFF_FFFFL, 0x8000_0000L));
        assertFalse(allows(rules, DEV_CHAR, ACC_READ, 0x7FFF_FFFFL, 0x8000_0000L));
        CgroupException e = assertThrows(CgroupException.class,
                () -> DeviceProgram.compile(List.of(allow('c', 1L << 32, 0L, "r"))));
        assertTrue(e.getMessage().contains("c 4294967296:0 r"), e.getMessage());
    }

    @Test
    void instructionsAreEncodedAsStructBpfInsn() {
        byte[] program = DeviceProgram.compile(List.of(ALLOW_ALL));
        // The prologue's "r4 = *(u32 *)(r1 + 4)" then "r0 = 1; exit".
        assertArrayEquals(new byte[] {0x61, 0x14, 4, 0, 0, 0, 0, 0}, Arrays.copyOfRange(program, 32, 40));
        assertArrayEquals(new byte[] {(byte) 0xb7, 0, 0, 0, 1, 0, 0, 0, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0},
                Arrays.copyOfRange(program, program.length - 16, program.length));
    }

    /** Just the instructions DeviceProgram emits, over a {@code struct bpf_cgroup_dev_ctx}. */
    static final class Interpreter {
        static long run(byte[] program, int accessType, int major, int minor) {
            ByteBuffer code = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
            int[] context = {accessType, major, minor};
            long[] r = new long[11];
            int count = program.length / 8;
            for (int pc = 0, steps = 0; ; pc++, steps++) {
                assertTrue(pc >= 0 && pc < count, "jumped outside the program to " + pc);
                assertTrue(steps < 10_000, "the program loops");
                int opcode = code.get(pc * 8) & 0xFF;
                int dst = code.get(pc * 8 + 1) & 0x0F;
                int src = (code.get(pc * 8 + 1) & 0xF0) >>> 4;
                int off = code.getShort(pc * 8 + 2);
                int imm = code.getInt(pc * 8 + 4);
                switch (opcode) {
                    case 0x61 -> {
                        assertEquals(1, src, "loads read the context pointer");
                        r[dst] = Integer.toUnsignedLong(context[off / 4]);
                    }
                    case 0x54 -> r[dst] = Integer.toUnsignedLong((int) r[dst] & imm);
                    case 0x74 -> r[dst] = Integer.toUnsignedLong((int) r[dst] >>> imm);
                    case 0xb4 -> r[dst] = Integer.toUnsignedLong(imm);
                    case 0xbc -> r[dst] = Integer.toUnsignedLong((int) r[src]);
                    case 0xb7 -> r[dst] = imm; // sign-extended to 64 bits
                    case 0x16 -> pc += (int) r[dst] == imm ? off : 0;
                    case 0x56 -> pc += (int) r[dst] != imm ? off : 0;
                    case 0x95 -> {
                        return r[0];
                    }
                    default -> throw new AssertionError("unexpected opcode 0x" + Integer.toHexString(opcode) + " at " + pc);
                }
            }
        }
    }
}
