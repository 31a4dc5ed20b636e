package dev.berth.runtime.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.runtime.RuntimeFailure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.json -> ContainerConfig without running anything. */
class SpecConverterTest {
    @TempDir
    Path bundle;
    ObjectNode config;
    final ObjectMapper mapper = new ObjectMapper();

    @BeforeEach
    void baseConfig() throws Exception {
        Files.createDirectories(bundle.resolve("rootfs"));
        try (InputStream in = getClass().getResourceAsStream("/base-config.json")) {
            config = (ObjectNode) mapper.readTree(in);
        }
    }

    private ContainerConfig load() throws Exception {
        Files.writeString(bundle.resolve("config.json"), mapper.writeValueAsString(config));
        return BundleLoader.load(bundle, "c1");
    }

    private String failure() throws Exception {
        Files.writeString(bundle.resolve("config.json"), mapper.writeValueAsString(config));
        return assertThrows(RuntimeFailure.class, () -> BundleLoader.load(bundle, "c1")).getMessage();
    }

    @Test
    void basics() throws Exception {
        ContainerConfig c = load();
        assertEquals(bundle.resolve("rootfs"), c.rootfs());
        assertTrue(c.readonlyRootfs());
        assertEquals("/berth-c1", c.cgroupsPath());
        assertEquals("berth-test", c.hostname());
        assertNull(c.domainname());
        assertTrue(c.createsNamespace(NamespaceKind.PID) && c.createsNamespace(NamespaceKind.CGROUP));
        // CAP_AUDIT_WRITE 29, CAP_KILL 5, CAP_NET_BIND_SERVICE 10
        assertEquals((1L << 29) | (1L << 5) | (1L << 10), c.process().capabilities().bounding());
        assertEquals(0, c.process().capabilities().ambient());
        assertEquals(List.of("/usr/local/sbin/true", "/usr/local/bin/true", "/usr/sbin/true", "/usr/bin/true",
                "/sbin/true", "/bin/true"), c.process().execCandidates());
        assertEquals(List.of("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"),
                c.devices().stream().map(DeviceConfig::path).toList());
    }

    @Test
    void bindMountOptionsSplitIntoBindAndRemount() throws Exception {
        Path source = Files.createDirectories(bundle.resolve("data"));
        config.withArray("mounts").add(mapper.readTree("{\"destination\": \"/data/../x\", \"type\": \"bind\", \"source\": \"data\","
                + " \"options\": [\"rbind\", \"ro\", \"nosuid\", \"rprivate\"]}"));
        MountConfig m = load().mounts().getLast();
        assertEquals("/x", m.destination());
        assertEquals(source.toString(), m.source(), "a relative bind source is relative to the bundle");
        assertEquals(4096 | 16384, m.flags());
        assertEquals(1 | 2, m.remountFlags());
        assertEquals(List.of((1L << 18) | 16384), m.propagation());
        assertTrue(m.bind() && m.sourceIsDirectory());
    }

    @Test
    void ambientCapabilitiesThatCannotBeRaisedAreSkippedAsRuncDoes() throws Exception {
        config.with("process").with("capabilities").putArray("ambient").add("CAP_KILL").add("CAP_CHOWN");
        config.with("process").with("capabilities").putArray("inheritable").add("CAP_KILL");
        assertEquals(1L << 5, load().process().capabilities().ambient());
    }

    @Test
    void zeroSharesAndWeightAreUnsetAsDockerdMeansThem() throws Exception {
        config.with("linux").with("resources").putObject("cpu").put("shares", 0);
        config.with("linux").with("resources").putObject("blockIO").put("weight", 0);
        ContainerConfig c = load();
        assertNull(c.resources().cpu().shares());
        assertNull(c.resources().blockIo().weight());
    }

    @Test
    void missingBindSourceNamesTheMount() throws Exception {
        config.withArray("mounts").add(mapper.readTree("{\"destination\": \"/x\", \"type\": \"bind\", \"source\": \"/no/such\"}"));
        assertTrue(failure().contains("mounts[8].source: /no/such does not exist"));
    }

    @Test
    void linuxDevicesReplaceDefaultsAndAreAllowed() throws Exception {
        config.with("linux").withArray("devices").add(mapper.readTree(
                "{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": 3, \"fileMode\": 384}"));
        ContainerConfig c = load();
        DeviceConfig devNull = c.devices().getFirst();
        assertEquals(DeviceConfig.S_IFCHR | 0600, devNull.mode());
        assertEquals(6, c.devices().size());
    }

    @Test
    void everythingNotSupportedYetIsRefusedNotIgnored() throws Exception {
        config.withArray("mounts").add(mapper.readTree("{\"destination\": \"/x\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
                + " \"options\": [\"rro\"]}"));
        config.with("linux").putObject("intelRdt").put("closID", "berth");
        String message = failure();
        for (String field : List.of("mounts[8].options", "linux.intelRdt")) {
            assertTrue(message.contains(field), field + " not reported in: " + message);
        }
    }

    @Test
    void schedulerAndIoPriorityBecomeKernelNumbers() throws Exception {
        config.with("process").putObject("scheduler").put("policy", "SCHED_RR").put("priority", 7)
                .putArray("flags").add("SCHED_FLAG_RESET_ON_FORK").add("SCHED_FLAG_KEEP_PARAMS");
        config.with("process").putObject("ioPriority").put("class", "IOPRIO_CLASS_IDLE").put("priority", 0);
        ProcessConfig p = load().process();
        // <linux/sched.h>: SCHED_RR 2, RESET_ON_FORK 0x01, KEEP_PARAMS 0x10; <linux/ioprio.h>: IDLE 3.
        assertEquals(new ProcessConfig.SchedulerConfig("SCHED_RR", 2, 0x11, 0, 7, 0, 0, 0), p.scheduler());
        assertEquals(new ProcessConfig.IoPriorityConfig("IOPRIO_CLASS_IDLE", 3, 0), p.ioPriority());
    }

    @Test
    void schedulerRequestsTheKernelCannotHonourAreNamed() throws Exception {
        config.with("process").putObject("scheduler").put("policy", "SCHED_ISO");
        assertTrue(failure().contains("process.scheduler.policy: SCHED_ISO is not implemented"));
        config.with("process").putObject("scheduler").put("policy", "SCHED_OTHER")
                .putArray("flags").add("SCHED_FLAG_UTIL_CLAMP_MIN");
        assertTrue(failure().contains("process.scheduler.flags[0]: SCHED_FLAG_UTIL_CLAMP_MIN"));
    }

    @Test
    void personalityAndTimeOffsets() throws Exception {
        config.with("linux").putObject("personality").put("domain", "LINUX32");
        config.with("linux").withArray("namespaces").add(mapper.readTree("{\"type\": \"time\"}"));
        config.with("linux").putObject("timeOffsets").set("boottime", mapper.readTree("{\"secs\": -5, \"nanosecs\": 7}"));
        ContainerConfig c = load();
        assertEquals(new ContainerConfig.Personality("LINUX32", 8), c.personality());
        assertEquals(List.of(new ContainerConfig.TimeOffset("boottime", -5, 7)), c.timeOffsets());
        config.with("linux").with("personality").putArray("flags").add("ADDR_NO_RANDOMIZE");
        assertTrue(failure().contains("linux.personality.flags"));
    }

    @Test
    void overlappingIdMappingsAreNamed() throws Exception {
        config.with("linux").withArray("namespaces").add(mapper.readTree("{\"type\": \"user\"}"));
        config.with("linux").putArray("uidMappings")
                .add(mapper.readTree("{\"containerID\": 0, \"hostID\": 100000, \"size\": 1000}"))
                .add(mapper.readTree("{\"containerID\": 500, \"hostID\": 200000, \"size\": 10}"));
        config.with("linux").putArray("gidMappings").add(mapper.readTree("{\"containerID\": 0, \"hostID\": 100000, \"size\": 1000}"));
        assertTrue(failure().contains("linux.uidMappings[0] and [1]: container ID ranges overlap"));
    }

    @Test
    void aMountNamespaceIsRequired() throws Exception {
        config.with("linux").putArray("namespaces").add(mapper.readTree("{\"type\": \"pid\"}"));
        config.remove("hostname");
        config.with("linux").remove("maskedPaths");
        config.with("linux").remove("readonlyPaths");
        assertTrue(failure().contains("a mount namespace is required"));
    }

    @Test
    void execCandidatesFollowThePathOfTheProcess() throws Exception {
        config.with("process").putArray("env").add("PATH=/opt/bin::/bin");
        config.with("process").putArray("args").add("tool");
        assertEquals(List.of("/opt/bin/tool", "./tool", "/bin/tool"), load().process().execCandidates());
        config.with("process").putArray("args").add("./local/tool");
        assertEquals(List.of("./local/tool"), load().process().execCandidates());
    }
}
