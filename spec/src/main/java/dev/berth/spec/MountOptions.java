package dev.berth.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A mount's option words split the way runc does (libcontainer/specconv parseMountOptions): words
 * that are mount(2) flags set or clear {@link #flags()}, propagation words become separate
 * {@link #propagationFlags()} (the kernel accepts one propagation type per mount(2) call), the
 * recursive attributes ("rro", "rnosuid", ...) become a mount_setattr(2) attr_set/attr_clr pair,
 * and every other word is filesystem data passed through in order ({@code "mode=755,size=65536k"}).
 * Later words win over earlier ones ("ro,rw" is read-write).
 *
 * @param flags MS_* flags to pass to mount(2)
 * @param clearedFlags MS_* flags explicitly turned off ("rw", "suid", "exec", ...); a bind mount
 *     remount uses them to tell "not asked for" from "asked to be off"
 * @param propagationFlags one MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (| MS_REC) per word, in order
 * @param data the remaining words joined with ","; empty if none
 * @param recAttrSet MOUNT_ATTR_* bits for mount_setattr(2) attr_set, applied with AT_RECURSIVE
 * @param recAttrClr MOUNT_ATTR_* bits for mount_setattr(2) attr_clr
 */
public record MountOptions(
        long flags,
        long clearedFlags,
        List<Long> propagationFlags,
        String data,
        long recAttrSet,
        long recAttrClr) {

    // mount(2) flags, <sys/mount.h> / <linux/mount.h>.
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_SYNCHRONOUS = 16;
    public static final long MS_REMOUNT = 32;
    public static final long MS_MANDLOCK = 64;
    public static final long MS_DIRSYNC = 128;
    public static final long MS_NOSYMFOLLOW = 256;
    public static final long MS_NOATIME = 1024;
    public static final long MS_NODIRATIME = 2048;
    public static final long MS_BIND = 4096;
    public static final long MS_MOVE = 8192;
    public static final long MS_REC = 16384;
    public static final long MS_SILENT = 32768;
    public static final long MS_UNBINDABLE = 1L << 17;
    public static final long MS_PRIVATE = 1L << 18;
    public static final long MS_SLAVE = 1L << 19;
    public static final long MS_SHARED = 1L << 20;
    public static final long MS_RELATIME = 1L << 21;
    public static final long MS_I_VERSION = 1L << 23;
    public static final long MS_STRICTATIME = 1L << 24;
    public static final long MS_LAZYTIME = 1L << 25;

    // mount_setattr(2) attributes, <linux/mount.h>.
    public static final long MOUNT_ATTR_RDONLY = 0x01;
    public static final long MOUNT_ATTR_NOSUID = 0x02;
    public static final long MOUNT_ATTR_NODEV = 0x04;
    public static final long MOUNT_ATTR_NOEXEC = 0x08;
    /** The access-time mode field: RELATIME (0), NOATIME or STRICTATIME live in these bits. */
    public static final long MOUNT_ATTR__ATIME = 0x70;
    public static final long MOUNT_ATTR_RELATIME = 0x00;
    public static final long MOUNT_ATTR_NOATIME = 0x10;
    public static final long MOUNT_ATTR_STRICTATIME = 0x20;
    public static final long MOUNT_ATTR_NODIRATIME = 0x80;
    public static final long MOUNT_ATTR_NOSYMFOLLOW = 0x0020_0000;

    public MountOptions {
        propagationFlags = List.copyOf(propagationFlags);
    }

    /** Whether this is a bind mount ("bind" or "rbind"). */
    public boolean bind() {
        return (flags & MS_BIND) != 0;
    }

    /** Whether the bind covers submounts too ("rbind"): MS_BIND | MS_REC. */
    public boolean recursive() {
        return (flags & MS_REC) != 0;
    }

    /** Whether any recursive attribute ("rro", ...) needs a mount_setattr(2) call. */
    public boolean hasRecursiveAttributes() {
        return recAttrSet != 0 || recAttrClr != 0;
    }

    /** Parses {@code options} in order; never fails, unknown words are filesystem data. */
    public static MountOptions parse(List<String> options) {
        long flags = 0;
        long cleared = 0;
        long attrSet = 0;
        long attrClr = 0;
        List<Long> propagation = new ArrayList<>();
        List<String> data = new ArrayList<>();
        for (String option : options) {
            Flag flag = Tables.FLAGS.get(option);
            Flag attr = Tables.RECURSIVE_ATTRIBUTES.get(option);
            Long propagationFlag = Tables.PROPAGATION.get(option);
            if (flag != null) {
                flags = flag.clear ? flags & ~flag.bits : flags | flag.bits;
                cleared = flag.clear ? cleared | flag.bits : cleared & ~flag.bits;
            } else if (propagationFlag != null) {
                propagation.add(propagationFlag);
            } else if (attr != null) {
                attrSet = attr.clear ? attrSet & ~attr.bits : attrSet | attr.bits;
                attrClr = attr.clear ? attrClr | attr.bits : attrClr & ~attr.bits;
                if (!attr.clear && (attr.bits & MOUNT_ATTR__ATIME) == attr.bits) {
                    // mount_setattr(2): an access-time mode in attr_set only takes effect with
                    // MOUNT_ATTR__ATIME in attr_clr (the three modes share one field).
                    attrClr |= MOUNT_ATTR__ATIME;
                }
            } else if (!option.equals("defaults")) {
                data.add(option);
            }
        }
        return new MountOptions(flags, cleared, propagation, String.join(",", data), attrSet, attrClr);
    }

    /** Every word {@link #parse} recognises, sorted; the rest are passed to the filesystem. */
    public static List<String> known() {
        TreeSet<String> all = new TreeSet<>();
        Stream.of(Tables.FLAGS, Tables.PROPAGATION, Tables.RECURSIVE_ATTRIBUTES).forEach(m -> all.addAll(m.keySet()));
        all.add("defaults");
        return List.copyOf(all);
    }

    /** A flag that an option word sets, or clears ("rw" clears MS_RDONLY). */
    private record Flag(boolean clear, long bits) {
        static Flag set(long bits) {
            return new Flag(false, bits);
        }

        static Flag clear(long bits) {
            return new Flag(true, bits);
        }
    }

    /** Built on first parse only. */
    private static final class Tables {
        /**
         * runc's mountFlags table. "defaults" is not here: mount(8) (libmount) treats it as
         * "no flags" rather than as rw,suid,dev,exec,async, so it is simply skipped, never passed
         * on as data (tmpfs and most filesystems reject an unknown "defaults" parameter). "acl"
         * is not here either: MS_POSIXACL is a superblock-internal flag (runc issue 3738).
         */
        static final Map<String, Flag> FLAGS = Map.ofEntries(
                Map.entry("async", Flag.clear(MS_SYNCHRONOUS)),
                Map.entry("atime", Flag.clear(MS_NOATIME)),
                Map.entry("bind", Flag.set(MS_BIND)),
                Map.entry("dev", Flag.clear(MS_NODEV)),
                Map.entry("diratime", Flag.clear(MS_NODIRATIME)),
                Map.entry("dirsync", Flag.set(MS_DIRSYNC)),
                Map.entry("exec", Flag.clear(MS_NOEXEC)),
                Map.entry("iversion", Flag.set(MS_I_VERSION)),
                Map.entry("lazytime", Flag.set(MS_LAZYTIME)),
                Map.entry("loud", Flag.clear(MS_SILENT)),
                Map.entry("mand", Flag.set(MS_MANDLOCK)),
                Map.entry("noatime", Flag.set(MS_NOATIME)),
                Map.entry("nodev", Flag.set(MS_NODEV)),
                Map.entry("nodiratime", Flag.set(MS_NODIRATIME)),
                Map.entry("noexec", Flag.set(MS_NOEXEC)),
                Map.entry("noiversion", Flag.clear(MS_I_VERSION)),
                Map.entry("nolazytime", Flag.clear(MS_LAZYTIME)),
                Map.entry("nomand", Flag.clear(MS_MANDLOCK)),
                Map.entry("norelatime", Flag.clear(MS_RELATIME)),
                Map.entry("nostrictatime", Flag.clear(MS_STRICTATIME)),
                Map.entry("nosuid", Flag.set(MS_NOSUID)),
                Map.entry("nosymfollow", Flag.set(MS_NOSYMFOLLOW)),
                Map.entry("rbind", Flag.set(MS_BIND | MS_REC)),
                Map.entry("relatime", Flag.set(MS_RELATIME)),
                Map.entry("remount", Flag.set(MS_REMOUNT)),
                Map.entry("ro", Flag.set(MS_RDONLY)),
                Map.entry("rw", Flag.clear(MS_RDONLY)),
                Map.entry("silent", Flag.set(MS_SILENT)),
                Map.entry("strictatime", Flag.set(MS_STRICTATIME)),
                Map.entry("suid", Flag.clear(MS_NOSUID)),
                Map.entry("symfollow", Flag.clear(MS_NOSYMFOLLOW)),
                Map.entry("sync", Flag.set(MS_SYNCHRONOUS)));

        static final Map<String, Long> PROPAGATION = Map.of(
                "private", MS_PRIVATE,
                "rprivate", MS_PRIVATE | MS_REC,
                "slave", MS_SLAVE,
                "rslave", MS_SLAVE | MS_REC,
                "shared", MS_SHARED,
                "rshared", MS_SHARED | MS_REC,
                "unbindable", MS_UNBINDABLE,
                "runbindable", MS_UNBINDABLE | MS_REC);

        /** runc's recAttrFlags table (runc 1.1+, kernel 5.12+ for mount_setattr(2)). */
        static final Map<String, Flag> RECURSIVE_ATTRIBUTES = Map.ofEntries(
                Map.entry("rro", Flag.set(MOUNT_ATTR_RDONLY)),
                Map.entry("rrw", Flag.clear(MOUNT_ATTR_RDONLY)),
                Map.entry("rnosuid", Flag.set(MOUNT_ATTR_NOSUID)),
                Map.entry("rsuid", Flag.clear(MOUNT_ATTR_NOSUID)),
                Map.entry("rnodev", Flag.set(MOUNT_ATTR_NODEV)),
                Map.entry("rdev", Flag.clear(MOUNT_ATTR_NODEV)),
                Map.entry("rnoexec", Flag.set(MOUNT_ATTR_NOEXEC)),
                Map.entry("rexec", Flag.clear(MOUNT_ATTR_NOEXEC)),
                Map.entry("rnodiratime", Flag.set(MOUNT_ATTR_NODIRATIME)),
                Map.entry("rdiratime", Flag.clear(MOUNT_ATTR_NODIRATIME)),
                Map.entry("rrelatime", Flag.set(MOUNT_ATTR_RELATIME)),
                Map.entry("rnorelatime", Flag.clear(MOUNT_ATTR_RELATIME)),
                Map.entry("rnoatime", Flag.set(MOUNT_ATTR_NOATIME)),
                Map.entry("ratime", Flag.clear(MOUNT_ATTR_NOATIME)),
                Map.entry("rstrictatime", Flag.set(MOUNT_ATTR_STRICTATIME)),
                Map.entry("rnostrictatime", Flag.clear(MOUNT_ATTR_STRICTATIME)),
                Map.entry("rnosymfollow", Flag.set(MOUNT_ATTR_NOSYMFOLLOW)),
                Map.entry("rsymfollow", Flag.clear(MOUNT_ATTR_NOSYMFOLLOW)));
    }
}
