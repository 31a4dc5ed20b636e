package dev.berth.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The process: args, env, cwd, user, umask, rlimits, capabilities, no_new_privs, oom, sysctl. */
class ProcessTest extends ContainerTest {

    @Test
    void argsEnvAndCwd() {
        bundle.process().put("cwd", "/tmp");
        bundle.process().withArray("env").add("GREETING=hello world");
        bundle.write();
        assertEquals("/tmp\nhello world\n", runOk("pwd; echo \"$GREETING\""));
    }

    @Test
    void argsArePassedVerbatim() {
        bundle.args("/bin/sh", "-c", "printf '%s|' \"$@\" > /out/stdout", "zero", "a b", "", "*").write();
        assertEquals(0, runtime.run(id, bundle.dir, CreateOptions.DEFAULT, false));
        assertEquals("a b||*|", read("stdout"));
    }

    @Test
    void userGroupsAndAdditionalGids() {
        ObjectNode user = bundle.process().putObject("user");
        user.put("uid", 1000).put("gid", 1000);
        user.putArray("additionalGids").add(2000).add(3000);
        bundle.write();
        assertEquals("1000 1000 1000 2000 3000\n", runOk("echo $(id -u) $(id -g) $(id -G)"));
    }

    @Test
    void umask() {
        bundle.process().with("user").put("umask", 0077);
        bundle.write();
        assertEquals("0077\n", runOk("umask"));
    }

    @Test
    void rlimits() {
        bundle.process().putArray("rlimits")
                .add(bundle.json("{\"type\": \"RLIMIT_NOFILE\", \"soft\": 321, \"hard\": 654}"))
                .add(bundle.json("{\"type\": \"RLIMIT_CORE\", \"soft\": 0, \"hard\": 18446744073709551615}"));
        bundle.write();
        assertEquals("321\n654\n0\nunlimited\n", runOk("ulimit -n; ulimit -Hn; ulimit -c; ulimit -Hc"));
    }

    @Test
    void capabilitiesAreExactlyTheConfiguredSets() {
        // CAP_KILL = 5, CAP_NET_BIND_SERVICE = 10, CAP_AUDIT_WRITE = 29.
        String status = runOk("grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status");
        long expected = (1L << 5) | (1L << 10) | (1L << 29);
        for (String line : status.lines().toList()) {
            String[] parts = line.split("\\s+");
            long value = Long.parseUnsignedLong(parts[1], 16);
            switch (parts[0]) {
                case "CapBnd:", "CapPrm:", "CapEff:" -> assertEquals(expected, value, line);
                case "CapInh:", "CapAmb:" -> assertEquals(0, value, line);
                default -> throw new AssertionError(line);
            }
        }
    }

    @Test
    void withoutCapabilitiesRootCannotDoPrivilegedThings() {
        Result result = run("hostname other");
        assertTrue(result.exitCode() != 0, "hostname succeeded without CAP_SYS_ADMIN");
    }

    @Test
    void ambientCapabilitiesReachANonRootUser() {
        grantCapabilities("CAP_NET_BIND_SERVICE");
        var caps = (ObjectNode) bundle.process().get("capabilities");
        caps.putArray("inheritable").add("CAP_NET_BIND_SERVICE");
        caps.putArray("ambient").add("CAP_NET_BIND_SERVICE");
        bundle.process().putObject("user").put("uid", 1000).put("gid", 1000);
        bundle.write();
        String status = runOk("grep -E '^Cap(Eff|Amb)' /proc/self/status");
        for (String line : status.lines().toList()) {
            assertEquals(1L << 10, Long.parseUnsignedLong(line.split("\\s+")[1], 16), line);
        }
    }

    @Test
    void noNewPrivileges() {
        assertEquals("1\n", runOk("grep NoNewPrivs /proc/self/status | cut -f2"));
        bundle.process().put("noNewPrivileges", false);
        bundle.write();
        assertEquals("0\n", runOk("grep NoNewPrivs /proc/self/status | cut -f2"));
    }

    @Test
    void oomScoreAdj() {
        bundle.process().put("oomScoreAdj", 123);
        bundle.write();
        assertEquals("123\n", runOk("cat /proc/self/oom_score_adj"));
    }

    @Test
    void sysctlInTheContainersNetworkNamespace() {
        bundle.linux().putObject("sysctl").put("net.ipv4.ip_forward", "1");
        bundle.write();
        assertEquals("1\n", runOk("cat /proc/sys/net/ipv4/ip_forward"));
    }

    @Test
    void hostFdsDoNotLeakIn() {
        List<String> fds = runOk("ls /proc/self/fd").lines().toList();
        // 0, 1, 2 and the fd of ls's own directory listing.
        assertTrue(fds.size() <= 4, "unexpected fds in the container: " + fds);
    }
}
