package dev.berth.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * process.scheduler, process.ioPriority, linux.personality and linux.timeOffsets, seen from inside
 * a real container. /proc/self/stat is read with the shell's own `read` so that the fields are the
 * shell's (the container's process), not those of a child: proc(5) field 19 is nice, 40
 * rt_priority, 41 policy.
 */
class ProcessDetailsTest extends ContainerTest {
    private static final String STAT_FIELDS = "read -r stat </proc/self/stat; set -- $stat; ";

    @Test
    void batchPolicyWithNice() {
        bundle.process().putObject("scheduler").put("policy", "SCHED_BATCH").put("nice", 7);
        bundle.write();
        // SCHED_BATCH is 3 in <linux/sched.h>.
        assertEquals("7 3\n", runOk(STAT_FIELDS + "echo ${19} ${41}"));
    }

    @Test
    void realtimePolicyIsResetInChildrenWithResetOnFork() {
        // With CONFIG_RT_GROUP_SCHED (this host's v1 cpu controller has cpu.rt_runtime_us) a new
        // cgroup gets no real-time budget and sched_setattr refuses SCHED_FIFO; give it some.
        if (Files.exists(Path.of("/sys/fs/cgroup/cpu/cpu.rt_runtime_us"))) {
            bundle.resources().putObject("cpu").put("realtimePeriod", 1000000).put("realtimeRuntime", 10000);
        }
        bundle.process().putObject("scheduler").put("policy", "SCHED_FIFO").put("priority", 10)
                .putArray("flags").add("SCHED_FLAG_RESET_ON_FORK");
        bundle.write();
        // "; exit 0" keeps the shell from exec-ing its last command in place of forking it.
        String child = "sh -c '" + STAT_FIELDS + "echo ${40} ${41}'; exit 0";
        // The container process: SCHED_FIFO (1) at 10; its child back to SCHED_OTHER (0) at 0.
        assertEquals("10 1\n0 0\n", runOk(STAT_FIELDS + "echo ${40} ${41}; " + child));
    }

    @Test
    void ioPriority() {
        bundle.process().putObject("ioPriority").put("class", "IOPRIO_CLASS_BE").put("priority", 6);
        bundle.write();
        assertEquals("best-effort: prio 6\n", runOk("ionice -p $$"));
    }

    @Test
    void linux32Personality() {
        bundle.linux().putObject("personality").put("domain", "LINUX32");
        bundle.write();
        // PER_LINUX32 is 0x0008 (<sys/personality.h>); under it uname(2) reports a 32-bit machine.
        String out = runOk("cat /proc/self/personality; uname -m");
        assertTrue(out.startsWith("00000008\n"), out);
        if (System.getProperty("os.arch").equals("amd64")) {
            assertEquals("i686", out.lines().toList().get(1));
        }
    }

    @Test
    void timeNamespaceOffsets() throws IOException {
        long offset = 10L * 24 * 3600;
        bundle.linux().withArray("namespaces").add(bundle.json("{\"type\": \"time\"}"));
        bundle.linux().putObject("timeOffsets")
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("boottime", bundle.json("{\"secs\": " + offset + ", \"nanosecs\": 0}"))
                .set("monotonic", bundle.json("{\"secs\": 3600, \"nanosecs\": 500}"));
        bundle.write();
        double before = hostUptime();
        String out = runOk("cat /proc/self/timens_offsets; cut -d' ' -f1 /proc/uptime");
        double after = hostUptime();
        var lines = out.lines().toList();
        assertEquals("monotonic 3600 500", lines.get(0).replaceAll("\\s+", " ").trim());
        assertEquals("boottime " + offset + " 0", lines.get(1).replaceAll("\\s+", " ").trim());
        // /proc/uptime is CLOCK_BOOTTIME as the reader's time namespace sees it (time_namespaces(7)).
        double inside = Double.parseDouble(lines.get(2));
        assertTrue(inside >= before + offset && inside <= after + offset, before + " <= " + inside + " - " + offset + " <= " + after);
    }

    @Test
    void aSchedulerTheKernelRefusesNamesTheStepAndErrno() {
        // sched_setattr(2): a SCHED_DEADLINE runtime below 1024 ns (1 << DL_SCALE) is EINVAL.
        bundle.process().putObject("scheduler").put("policy", "SCHED_DEADLINE")
                .put("runtime", 100).put("deadline", 1000000).put("period", 1000000);
        bundle.write();
        String message = assertThrows(RuntimeFailure.class, () -> runtime.create(id, bundle.dir, CreateOptions.DEFAULT))
                .getMessage();
        assertTrue(message.contains("SCHED_DEADLINE") && message.contains("process.scheduler") && message.contains("EINVAL"),
                message);
    }

    private static double hostUptime() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
    }
}
