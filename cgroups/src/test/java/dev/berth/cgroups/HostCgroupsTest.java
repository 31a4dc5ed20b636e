package dev.berth.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing of /proc/self/mountinfo and /proc/self/cgroup, and the driver each layout calls for. */
class HostCgroupsTest {

    static final List<String> HYBRID_MOUNTINFO = List.of(
            "23 1 0:21 / /sys rw,nosuid - sysfs sysfs rw",
            "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:7 - cgroup cgroup rw,cpu,cpuacct",
            "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset,clone_children",
            "35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd",
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate",
            "50 31 0:39 / /mnt/second\\040memory rw - cgroup cgroup rw,memory");

    static final List<String> HYBRID_OWN = List.of(
            "12:name=systemd:/user.slice/session-1.scope",
            "4:memory:/docker/abc/inner",
            "3:cpuset:/",
            "2:cpu,cpuacct:/user.slice",
            "0::/user.slice/session-1.scope");

    @Test
    void hybridHostGivesV1ControllersTheUnifiedMountAndOwnCgroupsBelowEachMountRoot() {
        HostCgroups host = HostCgroups.parse(HYBRID_MOUNTINFO, HYBRID_OWN);

        assertEquals(Map.of("cpu", Path.of("/sys/fs/cgroup/cpu,cpuacct"), "cpuacct", Path.of("/sys/fs/cgroup/cpu,cpuacct"),
                "cpuset", Path.of("/sys/fs/cgroup/cpuset"), "memory", Path.of("/sys/fs/cgroup/memory")),
                host.v1Mounts(), "first memory mount wins; name=systemd and mount options are not controllers");
        assertEquals(Path.of("/sys/fs/cgroup/unified"), host.unifiedMount());
        assertEquals(Map.of("memory", "/inner", "cpuset", "/", "cpu", "/user.slice", "cpuacct", "/user.slice",
                "", "/user.slice/session-1.scope"), host.ownCgroups(), "memory's mount root /docker/abc cut off");

        V1Driver driver = assertInstanceOf(V1Driver.class, host.driver());
        assertEquals("v1", driver.name());
        assertEquals(Path.of("/sys/fs/cgroup/unified"), driver.unifiedMount());
    }

    @Test
    void pureV2HostGivesTheV2Driver() {
        HostCgroups host = HostCgroups.parse(List.of(
                "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot"),
                List.of("0::/user.slice/user-1000.slice/session-2.scope"));

        V2Driver driver = assertInstanceOf(V2Driver.class, host.driver());
        assertEquals("v2", driver.name());
        assertEquals(Path.of("/sys/fs/cgroup"), driver.mount());
        assertEquals(Map.of("", "/user.slice/user-1000.slice/session-2.scope"), host.ownCgroups());
    }

    @Test
    void theUsualCgroup2MountIsPreferredOverAnother() {
        HostCgroups host = HostCgroups.parse(List.of(
                "60 23 0:40 / /run/other rw - cgroup2 cgroup2 rw",
                "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw"), List.of("0::/"));
        assertEquals(Path.of("/sys/fs/cgroup"), host.unifiedMount());
        assertEquals(Map.of(), host.v1Mounts());
    }

    @Test
    void noCgroupMountIsAClearError() {
        HostCgroups host = HostCgroups.parse(List.of("23 1 0:21 / /sys rw - sysfs sysfs rw"), List.of());
        assertNull(host.unifiedMount());
        CgroupException e = assertThrows(CgroupException.class, host::driver);
        assertEquals("cgroup: /proc/self/mountinfo shows no cgroup or cgroup2 mount", e.getMessage());
    }

    @Test
    void mountinfoOctalEscapesAreDecoded() {
        assertEquals("/mnt/second memory", HostCgroups.unescape("/mnt/second\\040memory"));
        assertEquals("a\\b", HostCgroups.unescape("a\\134b"));
        assertEquals("trailing\\04", HostCgroups.unescape("trailing\\04"));
    }

    @Test
    void relativePathsBelowAnOwnCgroupOutsideTheNamespaceAreRefused() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> CgroupPaths.resolve(Path.of("/sys/fs/cgroup"), "/../other", "ctr"));
        assertEquals("cgroup: cannot place relative cgroupsPath \"ctr\": own cgroup \"/../other\" in /sys/fs/cgroup"
                + " is outside this cgroup namespace", e.getMessage());
    }

    @Test
    void pathComponents() {
        assertEquals(List.of("a", "b"), CgroupPaths.components("//a//b/"));
        assertEquals(List.of("a:b"), CgroupPaths.components("a:b"), "a colon alone is a legal name");
        assertEquals(Path.of("/m/own/x"), CgroupPaths.resolve(Path.of("/m"), "/own", "x"));
        assertEquals(Path.of("/m/x"), CgroupPaths.resolve(Path.of("/m"), "/own", "/x"));
        assertEquals("cgroup: cgroupsPath \"a/../b\" has a \"..\" component",
                assertThrows(CgroupException.class, () -> CgroupPaths.components("a/../b")).getMessage());
        assertEquals("cgroup: cgroupsPath \"/\" names the hierarchy root; a container needs a cgroup of its own",
                assertThrows(CgroupException.class, () -> CgroupPaths.components("/")).getMessage());
    }

    @Test
    void resourcesRejectMalformedRulesWithTheFieldName() {
        assertEquals("cgroup: devices rule type 'x' is not a, c or b", assertThrows(CgroupException.class,
                () -> new Resources.DeviceRule(true, 'x', null, null, "r")).getMessage());
        assertEquals("cgroup: devices rule access \"rx\" is not a combination of r, w and m",
                assertThrows(CgroupException.class, () -> new Resources.DeviceRule(true, 'c', 1L, 3L, "rx")).getMessage());
        assertEquals("cgroup: hugepageLimits.pageSize \"2M/../x\" is not a size like 2MB or 1GB",
                assertThrows(CgroupException.class, () -> new Resources.HugepageLimit("2M/../x", 1)).getMessage());
        assertEquals("c 1:3 rwm", new Resources.DeviceRule(true, 'c', 1L, 3L, null).line());
    }
}
