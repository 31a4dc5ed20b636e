package dev.berth.runtime;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Namespaces: what the probe inside sees differs from the host exactly as configured. */
class IsolationTest extends ContainerTest {

    @Test
    void initIsPid1AndSeesOnlyItsOwnProcesses() {
        String stdout = runOk("echo $$; ls /proc | grep -E '^[0-9]+$' | wc -l");
        List<String> lines = stdout.lines().toList();
        assertEquals("1", lines.get(0), "the container process is PID 1");
        // sh itself, plus ls, grep and wc of the pipeline: no host process.
        assertTrue(Integer.parseInt(lines.get(1).trim()) <= 4, "sees host processes: " + stdout);
    }

    @Test
    void hostnameAndDomainname() {
        bundle.config.put("domainname", "example.org");
        bundle.write();
        assertEquals("berth-test\nexample.org\n", runOk("hostname; cat /proc/sys/kernel/domainname"));
    }

    @Test
    void everyConfiguredNamespaceDiffersFromTheHost() throws Exception {
        String stdout = runOk("for ns in pid net ipc uts mnt cgroup; do readlink /proc/self/ns/$ns; done");
        List<String> inside = stdout.lines().toList();
        List<String> names = List.of("pid", "net", "ipc", "uts", "mnt", "cgroup");
        for (int i = 0; i < names.size(); i++) {
            String host = Files.readSymbolicLink(Path.of("/proc/self/ns/" + names.get(i))).toString();
            assertNotEquals(host, inside.get(i), names.get(i) + " namespace is the host's");
        }
    }

    @Test
    void namespaceNotListedIsShared() throws Exception {
        bundle.linux().putArray("namespaces").add(bundle.json("{\"type\": \"mount\"}")).add(bundle.json("{\"type\": \"pid\"}"));
        bundle.config.remove("hostname");
        bundle.write();
        String netInside = runOk("readlink /proc/self/ns/net").trim();
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString(), netInside);
    }

    @Test
    void joinsANamespaceByPath() throws Exception {
        Process holder = new ProcessBuilder("unshare", "--uts", "sh", "-c", "hostname joined-uts; sleep 100").start();
        try {
            Path nsFile = Path.of("/proc/" + holder.pid() + "/ns/uts");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (Files.readSymbolicLink(nsFile).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/uts")))
                    || !hostnameOf(holder.pid()).equals("joined-uts")) {
                assertTrue(System.nanoTime() < deadline, "unshare did not set up its namespace");
                Thread.sleep(5);
            }
            bundle.config.remove("hostname");
            for (var ns : bundle.linux().withArray("namespaces")) {
                if (ns.get("type").asText().equals("uts")) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) ns).put("path", nsFile.toString());
                }
            }
            bundle.write();
            assertEquals("joined-uts\n", runOk("hostname"));
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    private static String hostnameOf(long pid) throws Exception {
        Process p = new ProcessBuilder("nsenter", "-t", Long.toString(pid), "-u", "hostname").start();
        return new String(p.getInputStream().readAllBytes()).trim();
    }

    @Test
    void mountsInsideDoNotReachTheHost() throws Exception {
        Path marker = Files.createDirectories(tmp.resolve("visible"));
        bundle.mounts().add(bundle.json("{\"destination\": \"/host\", \"type\": \"bind\", \"source\": \"" + marker
                + "\", \"options\": [\"rbind\"]}"));
        grantCapabilities("CAP_SYS_ADMIN");
        runOk("mount -t tmpfs tmpfs /host && touch /host/inside");
        assertFalse(Files.exists(marker.resolve("inside")), "a mount made inside appeared on the host");
        assertTrue(Arrays.stream(Files.readString(Path.of("/proc/self/mountinfo")).split("\n"))
                .noneMatch(l -> l.contains(tmp.toString())), "container mounts visible on the host");
    }

    @Test
    void cgroupNamespaceMakesOwnCgroupTheRoot() {
        assertTrue(runOk("cat /proc/self/cgroup").lines().allMatch(l -> l.endsWith(":/")),
                "the container's cgroup should be / inside its cgroup namespace");
    }
}
