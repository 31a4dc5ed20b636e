package dev.berth.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Linux capabilities by name and number, from &lt;linux/capability.h&gt; (CAP_CHOWN = 0 ..
 * CAP_CHECKPOINT_RESTORE = 40, Linux 5.9). The number is the bit in the capability sets of
 * capset(2) and the argument of PR_CAPBSET_DROP / PR_CAP_AMBIENT_RAISE.
 */
public enum Capability {
    CAP_CHOWN(0),
    CAP_DAC_OVERRIDE(1),
    CAP_DAC_READ_SEARCH(2),
    CAP_FOWNER(3),
    CAP_FSETID(4),
    CAP_KILL(5),
    CAP_SETGID(6),
    CAP_SETUID(7),
    CAP_SETPCAP(8),
    CAP_LINUX_IMMUTABLE(9),
    CAP_NET_BIND_SERVICE(10),
    CAP_NET_BROADCAST(11),
    CAP_NET_ADMIN(12),
    CAP_NET_RAW(13),
    CAP_IPC_LOCK(14),
    CAP_IPC_OWNER(15),
    CAP_SYS_MODULE(16),
    CAP_SYS_RAWIO(17),
    CAP_SYS_CHROOT(18),
    CAP_SYS_PTRACE(19),
    CAP_SYS_PACCT(20),
    CAP_SYS_ADMIN(21),
    CAP_SYS_BOOT(22),
    CAP_SYS_NICE(23),
    CAP_SYS_RESOURCE(24),
    CAP_SYS_TIME(25),
    CAP_SYS_TTY_CONFIG(26),
    CAP_MKNOD(27),
    CAP_LEASE(28),
    CAP_AUDIT_WRITE(29),
    CAP_AUDIT_CONTROL(30),
    CAP_SETFCAP(31),
    CAP_MAC_OVERRIDE(32),
    CAP_MAC_ADMIN(33),
    CAP_SYSLOG(34),
    CAP_WAKE_ALARM(35),
    CAP_BLOCK_SUSPEND(36),
    CAP_AUDIT_READ(37),
    CAP_PERFMON(38),
    CAP_BPF(39),
    CAP_CHECKPOINT_RESTORE(40);

    /** The highest capability berth knows; the kernel's own is in /proc/sys/kernel/cap_last_cap. */
    public static final int LAST = 40;

    private final int number;

    Capability(int number) {
        this.number = number;
    }

    /** The kernel's number for this capability. */
    public int number() {
        return number;
    }

    /**
     * The kernel's number for capability {@code name} ("CAP_KILL" gives 5).
     *
     * @throws IllegalArgumentException naming the capability if it is unknown
     */
    public static int number(String name) {
        return byName(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown capability \"" + name + "\""))
                .number;
    }

    /** The capability called {@code name} (exact, upper case, with the CAP_ prefix). */
    public static Optional<Capability> byName(String name) {
        // Not valueOf: Enum.valueOf builds its name table by calling values() reflectively, whose
        // method-handle set-up is milliseconds on a cold JVM; 41 string compares are not.
        if (name != null && name.startsWith("CAP_")) {
            for (Capability capability : values()) {
                if (capability.name().equals(name)) {
                    return Optional.of(capability);
                }
            }
        }
        return Optional.empty();
    }

    /** The capability with kernel number {@code number}. */
    public static Optional<Capability> byNumber(int number) {
        Capability[] all = values();
        return number >= 0 && number < all.length ? Optional.of(all[number]) : Optional.empty();
    }

    /** Every name, in kernel number order. */
    public static List<String> all() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }
}
