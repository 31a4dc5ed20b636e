package dev.berth.runtime.plan;

import dev.berth.spec.MountOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepsTest {
    // mount(2) flags from the one table berth keeps (spec's MountOptions).
    private static final long MS_RDONLY = MountOptions.MS_RDONLY;
    private static final long MS_REMOUNT = MountOptions.MS_REMOUNT;
    private static final long MS_BIND = MountOptions.MS_BIND;
    private static final long MS_MOVE = MountOptions.MS_MOVE;
    private static final long MS_REC = MountOptions.MS_REC;
    private static final long MS_SLAVE = MountOptions.MS_SLAVE;
    private static final long MS_PRIVATE = MountOptions.MS_PRIVATE;

    @Test
    void wireCodesFollowTheTable() {
        StepCode[] codes = StepCode.values();
        assertEquals(39, codes.length);
        for (int i = 0; i < codes.length; i++) {
            assertEquals(i + 1, codes[i].code(), codes[i].name());
        }
        assertEquals(5, StepCode.MOUNT.code());
        assertEquals(29, StepCode.FIND_EXEC.code());
        assertEquals(34, StepCode.SETSID.code());
        assertEquals(35, StepCode.SECCOMP.code());
        assertEquals(36, StepCode.CONSOLE.code());
        assertEquals(37, StepCode.SCHED_SETATTR.code());
        assertEquals(38, StepCode.IOPRIO_SET.code());
        assertEquals(39, StepCode.PERSONALITY.code());
    }

    @Test
    void schedSetattrCarriesTheDeadlineParametersAsThreeU64s() {
        Step step = Steps.schedSetattr(6, 0, 0, 0, 1_000, 2_000, 3_000, "deadline");
        java.nio.ByteBuffer s0 = java.nio.ByteBuffer.wrap(step.s0()).order(java.nio.ByteOrder.nativeOrder());
        assertEquals(24, step.s0().length);
        assertEquals(List.of(1_000L, 2_000L, 3_000L), List.of(s0.getLong(), s0.getLong(), s0.getLong()));
        assertThrows(IllegalArgumentException.class, () -> Steps.ioprioSet(2, 8, "level 8"));
        assertThrows(IllegalArgumentException.class, () -> Steps.personality(0xFFFF_FFFFL, "query only"));
    }

    @Test
    void mountDescriptionsSayWhatKindOfMount() {
        assertEquals("mount `proc` on `/proc`",
                Steps.mount("proc", "/proc", "proc", 0, null, Step.IN_ROOT).description());
        assertEquals("mount `/dev/sda1` (ext4) on `/mnt`",
                Steps.mount("/dev/sda1", "/mnt", "ext4", MS_RDONLY, null, 0).description());
        assertEquals("mount `tmpfs` on `/dev`",
                Steps.mount(null, "/dev", "tmpfs", 0, "mode=755", 0).description());
        assertEquals("rbind `/srv/data` on `/data`",
                Steps.mount("/srv/data", "/data", null, MS_BIND | MS_REC, null, 0).description());
        assertEquals("bind `/srv/data` on `/data`",
                Steps.mount("/srv/data", "/data", null, MS_BIND, null, 0).description());
        assertEquals("remount `/data` read-only", Steps.mount(null, "/data", null,
                MS_BIND | MS_REMOUNT | MS_RDONLY, null, 0).description());
        assertEquals("make `/` rslave",
                Steps.mount(null, "/", null, MS_SLAVE | MS_REC, null, 0).description());
        assertEquals("make `/rootfs` private",
                Steps.mount(null, "/rootfs", null, MS_PRIVATE, null, 0).description());
        assertEquals("move mount `/a` to `/b`",
                Steps.mount("/a", "/b", null, MS_MOVE, null, 0).description());
    }

    @Test
    void mountKeepsItsArgumentsInPlace() {
        Step step = Steps.mount(null, "/", null, MS_SLAVE | MS_REC, null, 0);
        assertEquals(0, step.s0().length, "absent source");
        assertEquals(2, step.s1().length, "/ and its NUL");
        assertEquals(0, step.s2().length, "absent fstype");
        assertEquals(MS_SLAVE | MS_REC, step.a());
    }

    @Test
    void unshareNamesTheNamespaces() {
        assertEquals("unshare CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID",
                Steps.unshare(0x20000000L | 0x20000L | 0x04000000L | 0x08000000L).description());
        assertEquals("unshare CLONE_NEWNET|0x100", Steps.unshare(0x40000000L | 0x100).description());
    }

    @Test
    void mknodEncodesTheDeviceAsGlibcMakedev() {
        Step nullDevice = Steps.mknod("/dev/null", 0020666, 1, 3, -1, -1, Step.IN_ROOT);
        assertEquals(0x103, nullDevice.b());
        assertEquals(-1, nullDevice.c(), "negative uid: no chown");
        assertEquals(0020666, nullDevice.a());
        assertEquals("create character device `/dev/null` (1:3)", nullDevice.description());
        // Values from Python's os.makedev, which calls glibc.
        assertEquals(0x12310345L, Steps.mknod("/dev/x", 0060600, 259, 0x12345, 0, 0, 0).b());
        assertEquals(0x123457abcde678f0L, Steps.makedev(0x12345678L, 0x7abcdef0L));
        Step owned = Steps.mknod("/dev/fuse", 0020666, 10, 229, 1000, 1001, 0);
        assertEquals(List.of(1000L, 1001L), List.of(owned.c(), owned.d()));
        Step byDev = Steps.mknod("/dev/x", 0060600, 0x123457abcde678f0L, -1, -1, 0);
        assertEquals("create block device `/dev/x` (305419896:2059198192)", byDev.description(),
                "major/minor recovered from the dev_t: 0x12345678, 0x7abcdef0");
    }

    @Test
    void findExecListsTheCandidates() {
        Step step = Steps.findExec(List.of("/usr/bin/sh", "/bin/sh"));
        assertEquals(2, step.a());
        assertEquals("find executable, tried `/usr/bin/sh`, `/bin/sh`", step.description());
        assertEquals("find executable `/bin/sh`", Steps.findExec(List.of("/bin/sh")).description());
    }

    @Test
    void otherDescriptions() {
        assertEquals("set RLIMIT_NOFILE to 1024/unlimited",
                Steps.setrlimit(7, 1024, -1).description());
        assertEquals(-1, Steps.setrlimit(7, 1024, -1).c());
        assertEquals("set rlimit 99 to 1/2", Steps.setrlimit(99, 1, 2).description());
        assertEquals("set RLIMIT_CORE to 0/0", Steps.setrlimit("RLIMIT_CORE", 4, 0, 0).description());
        assertEquals("change directory to `/work`", Steps.chdir("/work").description());
        assertEquals(0, Steps.chdir("/work").flags());
        assertEquals("exec `/bin/sh`", Steps.exec(List.of("/bin/sh", "-c", "x"), List.of()).description());
        assertEquals("set umask 0022", Steps.umask(022).description());
        assertEquals("set supplementary groups [10, 20]", Steps.setgroups(List.of(10L, 20L)).description());
        assertEquals("write `1` to `/proc/sys/net/ipv4/ip_forward`",
                Steps.writeFile("/proc/sys/net/ipv4/ip_forward", "1", Step.IN_ROOT).description());
        assertEquals("drop capabilities from the bounding set (keeping 0x21)",
                Steps.capBounding(0x21, 40).description());
        assertEquals("join namespace `/proc/42/ns/net`",
                Steps.setns("/proc/42/ns/net", 0x40000000L).description());
        assertEquals("create symlink `/dev/fd` to `/proc/self/fd`",
                Steps.symlink("/proc/self/fd", "/dev/fd", Step.IN_ROOT).description());
    }

    @Test
    void longContentIsShortenedInTheDescription() {
        char[] long50 = new char[50];
        Arrays.fill(long50, 'a');
        String d = Steps.writeFile("/f", new String(long50), 0).description();
        assertEquals("write `" + "a".repeat(37) + "...` to `/f`", d);
    }

    @Test
    void invalidArgumentsAreRefusedNamingTheField() {
        assertMessage("hostname contains a NUL", () -> Steps.sethostname("a\0b"));
        assertMessage("argv contains a NUL", () -> Steps.exec(List.of("sh", "x\0y"), List.of()));
        assertMessage("uid -1 is not in", () -> Steps.setuid(-1));
        assertMessage("gid 4294967295 is not in", () -> Steps.setgid(4294967295L));
        assertMessage("last capability 64", () -> Steps.capBounding(0, 64));
        assertMessage("mkdirs mode 10000 has bits outside 07777", () -> Steps.mkdirs("/d", 010000, 0));
        assertMessage("non-empty argv", () -> Steps.exec(List.of(), List.of()));
        assertMessage("at least one candidate", () -> Steps.findExec(List.of()));
        assertMessage("exec fifo fd -1 is negative", () -> Steps.waitStart(-1));
        assertMessage("step flags 8 of MKDIRS", () -> new Step(StepCode.MKDIRS, 8, 0, 0, 0, 0,
                null, null, null, null, "x"));
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> Steps.mount("proc", null, "proc", 0, null, 0));
        assertEquals("mount target is required", npe.getMessage());
    }

    @Test
    void stepToStringShowsCodeAndDescription() {
        assertEquals("PIVOT_ROOT[pivot_root to `/r`]", Steps.pivotRoot("/r").toString());
    }

    private static void assertMessage(String expected, Runnable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
