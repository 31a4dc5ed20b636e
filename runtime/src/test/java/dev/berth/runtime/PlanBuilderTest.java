package dev.berth.runtime;

import dev.berth.runtime.config.BundleLoader;
import dev.berth.runtime.config.ContainerConfig;
import dev.berth.runtime.plan.LaunchPlan;
import dev.berth.runtime.plan.Step;
import dev.berth.runtime.plan.StepCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The orders that matter, checked on the plan without running it. */
class PlanBuilderTest {
    @TempDir
    Path tmp;

    private List<Step> plan(TestBundle bundle) {
        ContainerConfig config = BundleLoader.load(bundle.dir, "p1");
        LaunchPlan plan = PlanBuilder.build(config, new PlanBuilder.Context(5, 4, 40,
                Map.of("memory", "/sys/fs/cgroup/memory/berth-p1"), false, false, true, -1));
        return plan.steps();
    }

    private static int indexOf(List<Step> steps, StepCode code) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).code() == code) {
                return i;
            }
        }
        throw new AssertionError("no " + code + " in the plan");
    }

    private static int lastIndexOf(List<Step> steps, StepCode code) {
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i).code() == code) {
                return i;
            }
        }
        throw new AssertionError("no " + code + " in the plan");
    }

    @Test
    void orderOfTheSteps() {
        TestBundle bundle = TestBundle.create(tmp, "true");
        bundle.linux().putObject("sysctl").put("net.ipv4.ip_forward", "1");
        bundle.write();
        List<Step> steps = plan(bundle);
        // Namespaces but cgroup before the fork; the cgroup namespace only after the SYNC.
        assertEquals(StepCode.UNSHARE, steps.get(0).code());
        assertEquals(0, steps.get(0).a() & 0x02000000L, "cgroup namespace created before cgroup placement");
        assertTrue(indexOf(steps, StepCode.FORK) < indexOf(steps, StepCode.SYNC));
        assertEquals(0x02000000L, steps.get(indexOf(steps, StepCode.SYNC) + 1).a());
        // Mounts before pivot_root; sysctl before the read-only /proc/sys; credentials, then exec.
        assertTrue(lastIndexOf(steps, StepCode.MKNOD) < indexOf(steps, StepCode.PIVOT_ROOT));
        assertTrue(indexOf(steps, StepCode.WRITE_FILE) < indexOf(steps, StepCode.READONLY));
        assertTrue(indexOf(steps, StepCode.CAP_BOUNDING) < indexOf(steps, StepCode.SETUID));
        assertTrue(indexOf(steps, StepCode.KEEPCAPS) < indexOf(steps, StepCode.SETUID));
        assertTrue(indexOf(steps, StepCode.SETUID) < indexOf(steps, StepCode.CAPSET));
        List<StepCode> tail = steps.subList(steps.size() - 5, steps.size()).stream().map(Step::code).toList();
        assertEquals(List.of(StepCode.FIND_EXEC, StepCode.READY, StepCode.WAIT_START, StepCode.CLOSE_FDS, StepCode.EXEC), tail);
        assertEquals(5, steps.get(steps.size() - 3).a(), "WAIT_START reads the exec fifo's fd");
        assertEquals(4, steps.get(steps.size() - 2).a(), "fds from 3 + preserved on are closed at exec");
    }

    @Test
    void noPivotMovesTheRoot() {
        TestBundle bundle = TestBundle.create(tmp, "true");
        ContainerConfig config = BundleLoader.load(bundle.dir, "p1");
        List<Step> steps = PlanBuilder.build(config, new PlanBuilder.Context(5, 4, 40, Map.of(), false, true, true, -1)).steps();
        assertTrue(steps.stream().noneMatch(s -> s.code() == StepCode.PIVOT_ROOT));
        assertEquals(1, steps.stream().filter(s -> s.code() == StepCode.MOVE_ROOT).count());
    }

    @Test
    void joinedNamespacesAreJoinedBeforeTheFork() {
        TestBundle bundle = TestBundle.create(tmp, "true");
        bundle.linux().withArray("namespaces").forEach(ns -> {
            if (ns.get("type").asText().equals("network")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) ns).put("path", "/proc/1/ns/net");
            }
        });
        bundle.write();
        List<Step> steps = plan(bundle);
        assertEquals(StepCode.SETNS, steps.getFirst().code());
        assertEquals(0x40000000L, steps.getFirst().a());
        assertEquals(0, steps.get(1).a() & 0x40000000L, "a joined namespace must not be unshared too");
    }

    @Test
    void timeOffsetsAreWrittenAfterTheUnshareAndBeforeTheFork() {
        TestBundle bundle = TestBundle.create(tmp, "true");
        bundle.linux().withArray("namespaces").add(bundle.json("{\"type\": \"time\"}"));
        bundle.linux().putObject("timeOffsets").set("monotonic", bundle.json("{\"secs\": 3600, \"nanosecs\": 5}"));
        bundle.write();
        List<Step> steps = plan(bundle);
        int write = indexOf(steps, StepCode.WRITE_FILE);
        assertEquals(0x80L, steps.get(indexOf(steps, StepCode.UNSHARE)).a() & 0x80L, "CLONE_NEWTIME unshared");
        assertTrue(indexOf(steps, StepCode.UNSHARE) < write && write < indexOf(steps, StepCode.FORK));
        assertEquals("/proc/self/timens_offsets\0", new String(steps.get(write).s0()));
        assertEquals("monotonic 3600 5\n\0", new String(steps.get(write).s1()));
    }

    @Test
    void schedulingGoesBeforeCapabilitiesAreDroppedAndPersonalityIsSet() {
        TestBundle bundle = TestBundle.create(tmp, "true");
        bundle.process().putObject("scheduler").put("policy", "SCHED_BATCH").put("nice", 5);
        bundle.process().putObject("ioPriority").put("class", "IOPRIO_CLASS_BE").put("priority", 6);
        bundle.linux().putObject("personality").put("domain", "LINUX32");
        bundle.write();
        List<Step> steps = plan(bundle);
        Step sched = steps.get(indexOf(steps, StepCode.SCHED_SETATTR));
        assertEquals(List.of(3L, 0L, 5L, 0L), List.of(sched.a(), sched.b(), sched.c(), sched.d()));
        Step io = steps.get(indexOf(steps, StepCode.IOPRIO_SET));
        assertEquals(List.of(2L, 6L), List.of(io.a(), io.b()));
        assertTrue(indexOf(steps, StepCode.IOPRIO_SET) < indexOf(steps, StepCode.CAP_BOUNDING));
        assertTrue(indexOf(steps, StepCode.SCHED_SETATTR) < indexOf(steps, StepCode.SETUID));
        assertEquals(8L, steps.get(indexOf(steps, StepCode.PERSONALITY)).a());
        assertTrue(indexOf(steps, StepCode.PERSONALITY) < indexOf(steps, StepCode.EXEC));
    }
}
