package dev.berth.spec;

import static dev.berth.spec.MountOptions.MOUNT_ATTR_NOATIME;
import static dev.berth.spec.MountOptions.MOUNT_ATTR_NOSUID;
import static dev.berth.spec.MountOptions.MOUNT_ATTR_RDONLY;
import static dev.berth.spec.MountOptions.MOUNT_ATTR__ATIME;
import static dev.berth.spec.MountOptions.MS_BIND;
import static dev.berth.spec.MountOptions.MS_NODEV;
import static dev.berth.spec.MountOptions.MS_NOEXEC;
import static dev.berth.spec.MountOptions.MS_NOSUID;
import static dev.berth.spec.MountOptions.MS_PRIVATE;
import static dev.berth.spec.MountOptions.MS_RDONLY;
import static dev.berth.spec.MountOptions.MS_REC;
import static dev.berth.spec.MountOptions.MS_RELATIME;
import static dev.berth.spec.MountOptions.MS_SHARED;
import static dev.berth.spec.MountOptions.MS_SLAVE;
import static dev.berth.spec.MountOptions.MS_STRICTATIME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountOptionsTest {

    @Test
    void flagsAndFilesystemDataAreSeparatedKeepingDataOrder() {
        MountOptions options = MountOptions.parse(List.of("nosuid", "strictatime", "mode=755", "size=65536k"));

        assertEquals(MS_NOSUID | MS_STRICTATIME, options.flags());
        assertEquals("mode=755,size=65536k", options.data());
        assertEquals(List.of(), options.propagationFlags());
        assertFalse(options.bind());
        assertFalse(options.hasRecursiveAttributes());
    }

    @Test
    void theFlagConstantsHaveTheKernelsValues() {
        assertEquals(1, MS_RDONLY);
        assertEquals(4096, MS_BIND);
        assertEquals(16384, MS_REC);
        assertEquals(1 << 18, MS_PRIVATE);
        assertEquals(1 << 21, MS_RELATIME);
        assertEquals(1 << 24, MS_STRICTATIME);
    }

    @Test
    void laterWordsWinAndClearedFlagsAreRemembered() {
        MountOptions options = MountOptions.parse(List.of("ro", "nodev", "rw", "dev", "suid"));

        assertEquals(0, options.flags());
        assertEquals(MS_RDONLY | MS_NODEV | MS_NOSUID, options.clearedFlags());
        assertEquals(MS_RDONLY, MountOptions.parse(List.of("rw", "ro")).flags());
        assertEquals(0, MountOptions.parse(List.of("rw", "ro")).clearedFlags(), "ro undoes the earlier rw");
    }

    @Test
    void rbindIsARecursiveBind() {
        MountOptions rbind = MountOptions.parse(List.of("rbind", "nosuid", "noexec", "nodev", "ro"));
        MountOptions bind = MountOptions.parse(List.of("bind"));

        assertEquals(MS_BIND | MS_REC | MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY, rbind.flags());
        assertTrue(rbind.bind());
        assertTrue(rbind.recursive());
        assertTrue(bind.bind());
        assertFalse(bind.recursive());
    }

    @Test
    void propagationWordsAreSeparateCallsInOrder() {
        MountOptions options = MountOptions.parse(List.of("bind", "rprivate", "shared", "rslave"));

        assertEquals(List.of(MS_PRIVATE | MS_REC, MS_SHARED, MS_SLAVE | MS_REC), options.propagationFlags());
        assertEquals(MS_BIND, options.flags(), "propagation is not mixed into the mount flags");
    }

    @Test
    void recursiveAttributesBecomeAMountSetattrPair() {
        MountOptions options = MountOptions.parse(List.of("rbind", "rro", "rsuid", "rnoatime"));

        assertEquals(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOATIME, options.recAttrSet());
        assertEquals(MOUNT_ATTR_NOSUID | MOUNT_ATTR__ATIME, options.recAttrClr(),
                "an access-time mode in attr_set needs MOUNT_ATTR__ATIME in attr_clr");
        assertTrue(options.hasRecursiveAttributes());
        assertEquals(MS_BIND | MS_REC, options.flags());
    }

    @Test
    void rrelatimeClearsTheAtimeFieldBecauseRelatimeIsZero() {
        MountOptions options = MountOptions.parse(List.of("rrelatime"));

        assertEquals(0, options.recAttrSet());
        assertEquals(MOUNT_ATTR__ATIME, options.recAttrClr());
    }

    @Test
    void aLaterRecursiveWordUndoesAnEarlierOne() {
        MountOptions options = MountOptions.parse(List.of("rro", "rrw"));

        assertEquals(0, options.recAttrSet());
        assertEquals(MOUNT_ATTR_RDONLY, options.recAttrClr());
    }

    @Test
    void defaultsIsNeitherAFlagNorData() {
        MountOptions options = MountOptions.parse(List.of("ro", "defaults", "size=1m"));

        assertEquals(MS_RDONLY, options.flags(), "as in mount(8), defaults does not undo ro");
        assertEquals("size=1m", options.data());
    }

    @Test
    void unknownWordsIncludingMountExtensionsAreData() {
        MountOptions options = MountOptions.parse(List.of("tmpcopyup", "newinstance", "ptmxmode=0666", "gid=5"));

        assertEquals(0, options.flags());
        assertEquals("tmpcopyup,newinstance,ptmxmode=0666,gid=5", options.data());
    }

    @Test
    void aMountParsesItsOwnOptions() {
        Mount mount = new Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));

        assertEquals(MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY, mount.parsedOptions().flags());
        assertEquals("", new Mount("/proc", "proc", "proc", null).parsedOptions().data());
    }

    @Test
    void knownWordsAreSortedAndCoverEveryTable() {
        List<String> known = MountOptions.known();

        assertEquals(known.stream().sorted().toList(), known);
        assertTrue(known.containsAll(List.of("async", "atime", "bind", "defaults", "dev", "diratime", "dirsync",
                "exec", "iversion", "lazytime", "loud", "mand", "noatime", "nodev", "nodiratime", "noexec",
                "noiversion", "nolazytime", "nomand", "norelatime", "nostrictatime", "nosuid", "nosymfollow",
                "private", "ratime", "rbind", "rdev", "rdiratime", "relatime", "remount", "ro", "rprivate",
                "rrelatime", "rro", "rshared", "rslave", "rstrictatime", "rsuid", "runbindable", "rw", "shared",
                "silent", "slave", "strictatime", "suid", "symfollow", "sync", "unbindable")), known.toString());
        for (String word : known) {
            MountOptions parsed = MountOptions.parse(List.of(word));
            assertEquals("", parsed.data(), word + " is recognised, not passed on as data");
        }
    }
}
