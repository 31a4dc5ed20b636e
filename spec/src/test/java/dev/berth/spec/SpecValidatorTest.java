package dev.berth.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecValidatorTest {

    private static final ObjectMapper TREES = new ObjectMapper();

    @TempDir
    Path bundle;

    @BeforeEach
    void createRootfs() throws IOException {
        Files.createDirectory(bundle.resolve("rootfs"));
    }

    /** The problems of the default spec after {@code change} is applied to its JSON tree. */
    private List<String> problemsAfter(Consumer<ObjectNode> change) throws Exception {
        ObjectNode tree = (ObjectNode) TREES.readTree(SpecWriter.write(DefaultSpec.create(false)));
        change.accept(tree);
        Spec spec = SpecReader.parse(tree.toString(), "config.json");
        return SpecValidator.problems(spec, bundle);
    }

    private static ObjectNode process(ObjectNode spec) {
        return (ObjectNode) spec.get("process");
    }

    private static ObjectNode linux(ObjectNode spec) {
        return (ObjectNode) spec.get("linux");
    }

    private static ObjectNode resources(ObjectNode spec) {
        return (ObjectNode) spec.get("linux").get("resources");
    }

    @Test
    void theDefaultSpecIsValid() throws Exception {
        assertEquals(List.of(), problemsAfter(spec -> { }));
        SpecValidator.validate(DefaultSpec.create(false), bundle);
    }

    @Test
    void theFullExampleConfigIsValid() throws Exception {
        Spec spec = SpecReader.parse(SpecReaderTest.resource("full-config.json"), "config.json");

        assertEquals(List.of(), SpecValidator.problems(spec, bundle));
    }

    @Test
    void allProblemsAreCollectedIntoOneMessageOneLineEach() throws Exception {
        Spec spec = SpecReader.parse("""
                {"ociVersion": "one", "root": {"path": "missing"},
                 "process": {"args": [], "cwd": "relative", "user": {"uid": 0}},
                 "hostname": "h", "mounts": [{"destination": "proc", "type": "proc"}],
                 "linux": {"namespaces": [{"type": "pid"}, {"type": "pid"}]}}
                """, "config.json");

        SpecException e = assertThrows(SpecException.class, () -> SpecValidator.validate(spec, bundle));

        assertEquals(List.of(
                "ociVersion: must be a SemVer 2.0.0 version such as \"1.2.0\", got \"one\"",
                "root.path: no such directory: " + bundle.resolve("missing"),
                "process.args: must contain at least one entry (the program to run)",
                "process.cwd: must be an absolute path, got \"relative\"",
                "process.user.gid: is required",
                "hostname: is set but linux.namespaces has no uts namespace (it would change the host's name)",
                "mounts[0].destination: must be an absolute path, got \"proc\"",
                "linux.namespaces[1].type: duplicate pid namespace (also at linux.namespaces[0])"), e.problems());
        assertEquals(String.join("\n", e.problems()), e.getMessage());
    }

    @Test
    void rootAndProcessAreRequired() throws Exception {
        Spec spec = SpecReader.parse("{\"ociVersion\": \"1.0.2-dev\"}", "config.json");

        assertEquals(List.of("root: is required", "process: is required"), SpecValidator.problems(spec, bundle));
    }

    @Test
    void rootPathMustBeAnExistingDirectory() throws Exception {
        Files.writeString(bundle.resolve("file"), "");
        Path absolute = bundle.resolve("rootfs").toAbsolutePath();

        assertEquals(List.of("root.path: not a directory: " + bundle.resolve("file")),
                problemsAfter(spec -> ((ObjectNode) spec.get("root")).put("path", "file")));
        assertEquals(List.of(), problemsAfter(spec -> ((ObjectNode) spec.get("root")).put("path", absolute.toString())));
    }

    @Test
    void ociVersionMustBeOneDotX() throws Exception {
        assertEquals(List.of("ociVersion: version 2.0.0 is not supported (berth implements runtime-spec 1.x)"),
                problemsAfter(spec -> spec.put("ociVersion", "2.0.0")));
        assertEquals(List.of("ociVersion: is required"), problemsAfter(spec -> spec.remove("ociVersion")));
    }

    @Test
    void rlimitsMustBeKnownUniqueAndSoftAtMostHard() throws Exception {
        List<String> problems = problemsAfter(spec -> {
            ArrayNode rlimits = (ArrayNode) process(spec).get("rlimits");
            rlimits.addObject().put("type", "RLIMIT_NOFILE").put("hard", 1).put("soft", 1);
            rlimits.addObject().put("type", "RLIMIT_BOGUS").put("hard", 1).put("soft", 1);
            rlimits.addObject().put("type", "RLIMIT_CORE").put("hard", 10).put("soft", 20);
        });

        assertEquals(List.of(
                "process.rlimits[1].type: duplicate RLIMIT_NOFILE (also at process.rlimits[0])",
                "process.rlimits[2].type: unknown rlimit type \"RLIMIT_BOGUS\"",
                "process.rlimits[3]: soft limit 20 exceeds hard limit 10"), problems);
    }

    @Test
    void rlimitSoftBelowAnInfiniteHardLimitIsFine() throws Exception {
        List<String> problems = problemsAfter(spec -> ((ObjectNode) process(spec).get("rlimits").get(0))
                .put("hard", new java.math.BigInteger("18446744073709551615")).put("soft", 4096));

        assertEquals(List.of(), problems, "RLIM_INFINITY is the largest value, not -1");
    }

    @Test
    void capabilitiesMustBeKnown() throws Exception {
        List<String> problems = problemsAfter(spec ->
                ((ArrayNode) process(spec).get("capabilities").get("bounding")).add("CAP_MAGIC"));

        assertEquals(List.of("process.capabilities.bounding[3]: unknown capability \"CAP_MAGIC\""
                + " (known: CAP_CHOWN .. CAP_CHECKPOINT_RESTORE)"), problems);
    }

    @Test
    void processFieldRanges() throws Exception {
        List<String> problems = problemsAfter(spec -> {
            process(spec).put("oomScoreAdj", 1001);
            process(spec).putObject("ioPriority").put("class", "IOPRIO_CLASS_NONE").put("priority", 8);
            process(spec).putObject("scheduler").put("policy", "SCHED_OTHER").put("priority", 5).put("nice", 30);
            ((ArrayNode) process(spec).get("env")).add("NOVALUE");
        });

        assertEquals(List.of(
                "process.env[2]: must have the form NAME=value, got \"NOVALUE\"",
                "process.oomScoreAdj: must be from -1000 to 1000, got 1001",
                "process.ioPriority.class: must be IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE, got"
                        + " \"IOPRIO_CLASS_NONE\"",
                "process.ioPriority.priority: must be from 0 to 7, got 8",
                "process.scheduler.nice: must be from -20 to 19, got 30",
                "process.scheduler.priority: can only be set for SCHED_FIFO or SCHED_RR"), problems);
    }

    @Test
    void realtimeAndDeadlineSchedulerParameters() throws Exception {
        assertEquals(List.of("process.scheduler.priority: must be from 1 to 99 for SCHED_FIFO, got 0"),
                problemsAfter(spec -> process(spec).putObject("scheduler").put("policy", "SCHED_FIFO")));
        assertEquals(List.of("process.scheduler.runtime: must not exceed deadline (10)"),
                problemsAfter(spec -> process(spec).putObject("scheduler").put("policy", "SCHED_DEADLINE")
                        .put("runtime", 20).put("deadline", 10)));
    }

    @Test
    void hostnameAndDomainnameNeedAUtsNamespace() throws Exception {
        List<String> problems = problemsAfter(spec -> {
            spec.put("domainname", "example.org");
            ((ArrayNode) linux(spec).get("namespaces")).remove(3);
        });

        assertEquals(List.of(
                "hostname: is set but linux.namespaces has no uts namespace (it would change the host's name)",
                "domainname: is set but linux.namespaces has no uts namespace (it would change the host's name)"),
                problems);
    }

    @Test
    void namespacesMustBeKnownWithAbsolutePaths() throws Exception {
        List<String> problems = problemsAfter(spec -> {
            ArrayNode namespaces = (ArrayNode) linux(spec).get("namespaces");
            namespaces.addObject().put("type", "net");
            ((ObjectNode) namespaces.get(1)).put("path", "proc/1/ns/net");
        });

        assertEquals(List.of(
                "linux.namespaces[1].path: must be an absolute path, got \"proc/1/ns/net\"",
                "linux.namespaces[6].type: unknown namespace type \"net\" (known: cgroup, ipc, mount, network, pid,"
                        + " time, user, uts)"), problems);
    }

    @Test
    void userNamespaceAndMappingsGoTogether() throws Exception {
        assertEquals(List.of("linux.uidMappings: is set but linux.namespaces has no user namespace"),
                problemsAfter(spec -> linux(spec).putArray("uidMappings").addObject()
                        .put("containerID", 0).put("hostID", 1000).put("size", 1)));
        assertEquals(List.of("linux.uidMappings: is required when a new user namespace is created",
                        "linux.gidMappings: is required when a new user namespace is created"),
                problemsAfter(spec -> ((ArrayNode) linux(spec).get("namespaces")).addObject().put("type", "user")));
        assertEquals(List.of(), problemsAfter(spec -> ((ArrayNode) linux(spec).get("namespaces")).addObject()
                .put("type", "user").put("path", "/proc/1/ns/user")), "joining a user namespace needs no mappings");
    }

    @Test
    void idMappingsMustBeNonEmptyRanges() throws Exception {
        List<String> problems = problemsAfter(spec -> {
            ((ArrayNode) linux(spec).get("namespaces")).addObject().put("type", "user");
            linux(spec).putArray("uidMappings").addObject().put("containerID", 0).put("hostID", 1000).put("size", 0);
            linux(spec).putArray("gidMappings").addObject().put("containerID", 0).put("hostID", 4294967295L)
                    .put("size", 2);
        });

        assertEquals(List.of("linux.uidMappings[0].size: must be at least 1",
                "linux.gidMappings[0]: range goes past id 4294967295"), problems);
    }

    @Test
    void devicesNeedAKnownTypeAnAbsolutePathAndNumbers() throws Exception {
        List<String> problems = problemsAfter(spec -> {
            ArrayNode devices = linux(spec).putArray("devices");
            devices.addObject().put("path", "dev/fuse").put("type", "c").put("major", 10);
            devices.addObject().put("path", "/dev/x").put("type", "s").put("major", 1).put("minor", 1);
            devices.addObject().put("path", "/dev/fifo").put("type", "p");
        });

        assertEquals(List.of(
                "linux.devices[0].path: must be an absolute path, got \"dev/fuse\"",
                "linux.devices[0].minor: is required",
                "linux.devices[1].type: must be c, b, u or p, got \"s\""), problems);
    }

    @Test
    void rootfsPropagationMustBeAKnownMode() throws Exception {
        assertEquals(List.of("linux.rootfsPropagation: must be one of [r]private, [r]slave, [r]shared,"
                        + " [r]unbindable, got \"rprivte\""),
                problemsAfter(spec -> linux(spec).put("rootfsPropagation", "rprivte")));
        assertEquals(List.of(), problemsAfter(spec -> linux(spec).put("rootfsPropagation", "runbindable")));
    }

    @Test
    void sysctlsMustBelongToANamespaceOfTheContainer() throws Exception {
        List<String> problems = problemsAfter(spec -> {
            ArrayNode namespaces = (ArrayNode) linux(spec).get("namespaces");
            namespaces.remove(2); // ipc
            namespaces.remove(1); // network
            linux(spec).putObject("sysctl").put("net.ipv4.ip_forward", "1").put("kernel/shmmax", "1")
                    .put("vm.swappiness", "10").put("kernel.domainname", "x").put("", "1");
        });

        assertEquals(List.of(
                "linux.sysctl[\"net.ipv4.ip_forward\"]: needs a network namespace (it would change the host's value)",
                "linux.sysctl[\"kernel/shmmax\"]: needs an ipc namespace (it would change the host's value)",
                "linux.sysctl[\"vm.swappiness\"]: is not namespaced (it would change the host's value)",
                "linux.sysctl: keys must not be empty"), problems);
    }

    @Test
    void maskedPathsMustBeAbsoluteAndNeedAMountNamespace() throws Exception {
        List<String> problems = problemsAfter(spec -> {
            ((ArrayNode) linux(spec).get("maskedPaths")).add("proc/kcore");
            ((ArrayNode) linux(spec).get("namespaces")).remove(4); // mount
        });

        assertEquals(List.of("linux.maskedPaths[11]: must be an absolute path, got \"proc/kcore\"",
                "linux.maskedPaths: needs a mount namespace (without one it would change the host's mounts)"), problems);
    }

    @Test
    void hooksNeedAbsolutePathsAndPositiveTimeouts() throws Exception {
        List<String> problems = problemsAfter(spec -> {
            ObjectNode hooks = spec.putObject("hooks");
            hooks.putArray("createRuntime").addObject().put("path", "hook.sh");
            hooks.putArray("poststop").addObject().put("path", "/bin/true").put("timeout", 0);
        });

        assertEquals(List.of("hooks.createRuntime[0].path: must be an absolute path, got \"hook.sh\"",
                "hooks.poststop[0].timeout: must be greater than zero, got 0"), problems);
    }

    @Test
    void resourceValuesTheKernelWouldRefuse() throws Exception {
        List<String> problems = problemsAfter(spec -> {
            resources(spec).putObject("memory").put("limit", 1000).put("swap", 500).put("swappiness", 101);
            resources(spec).putObject("cpu").put("shares", 1).put("quota", 500).put("period", 2_000_000)
                    .put("cpus", "0-3;5");
            resources(spec).putObject("pids");
            resources(spec).putObject("unified").put("../escape", "1");
            ((ObjectNode) resources(spec).get("devices").get(0)).put("access", "rwx").put("type", "z");
        });

        assertEquals(List.of(
                "linux.resources.devices[0].type: must be a, c or b, got \"z\"",
                "linux.resources.devices[0].access: must be a combination of r, w and m, got \"rwx\"",
                "linux.resources.memory.swap: is the memory+swap limit and must not be below memory.limit (1000),"
                        + " got 500",
                "linux.resources.memory.swappiness: must be from 0 to 100, got 101",
                "linux.resources.cpu.shares: must be from 2 to 262144, got 1",
                "linux.resources.cpu.quota: must be -1 (no limit) or at least 1000 microseconds, got 500",
                "linux.resources.cpu.period: must be from 1000 to 1000000 microseconds, got 2000000",
                "linux.resources.cpu.cpus: must be a list such as \"0-3,6\", got \"0-3;5\"",
                "linux.resources.pids.limit: is required",
                "linux.resources.unified[\"../escape\"]: must be the name of a file in the cgroup directory"), problems);
    }

    @Test
    void cpuBurstMustNotExceedAPositiveQuota() throws Exception {
        assertEquals(List.of("linux.resources.cpu.burst: must not exceed quota (10000), got 20000"),
                problemsAfter(spec -> resources(spec).putObject("cpu").put("quota", 10000).put("burst", 20000)));
        assertEquals(List.of(), problemsAfter(spec -> resources(spec).putObject("cpu").put("quota", -1)
                .put("burst", 20000)), "burst is only bounded by a positive quota");
    }

    @Test
    void seccompNamesAndErrnoRules() throws Exception {
        List<String> problems = problemsAfter(spec -> {
            ObjectNode seccomp = linux(spec).putObject("seccomp");
            seccomp.put("defaultAction", "SCMP_ACT_ALLOW").put("defaultErrnoRet", 1).put("listenerMetadata", "m");
            seccomp.putArray("architectures").add("SCMP_ARCH_Z80");
            ArrayNode syscalls = seccomp.putArray("syscalls");
            syscalls.addObject().put("action", "SCMP_ACT_ERRNO");
            ObjectNode rule = syscalls.addObject().put("action", "SCMP_ACT_KILL").put("errnoRet", 1);
            rule.putArray("names").add("read");
            rule.putArray("args").addObject().put("index", 6).put("value", 1).put("op", "SCMP_CMP_APPROX");
        });

        assertEquals(List.of(
                "linux.seccomp.defaultErrnoRet: can only be set with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW",
                "linux.seccomp.architectures[0]: unknown architecture \"SCMP_ARCH_Z80\"",
                "linux.seccomp.listenerMetadata: must not be set without listenerPath",
                "linux.seccomp.syscalls[0].names: must contain at least one syscall name",
                "linux.seccomp.syscalls[1].errnoRet: can only be set with SCMP_ACT_ERRNO or SCMP_ACT_TRACE,"
                        + " not SCMP_ACT_KILL",
                "linux.seccomp.syscalls[1].args[0].index: must be from 0 to 5, got 6",
                "linux.seccomp.syscalls[1].args[0].op: unknown operator \"SCMP_CMP_APPROX\""), problems);
    }

    @Test
    void timeOffsetsNeedANewTimeNamespace() throws Exception {
        List<String> problems = problemsAfter(spec -> linux(spec).putObject("timeOffsets")
                .putObject("realtime").put("secs", 1).put("nanosecs", 1_000_000_000L));

        assertEquals(List.of("linux.timeOffsets: is set but linux.namespaces has no time namespace",
                "linux.timeOffsets[\"realtime\"]: unknown clock (time namespaces offset \"monotonic\" and \"boottime\""
                        + " only)",
                "linux.timeOffsets[\"realtime\"].nanosecs: must be less than 1000000000, got 1000000000"), problems);
    }

    @Test
    void stringsWithNulBytesAreRejected() throws Exception {
        List<String> problems = problemsAfter(spec -> ((ArrayNode) process(spec).get("args")).add("a\u0000b"));

        assertEquals(List.of("process.args[1]: must not contain a NUL byte"), problems);
    }

    /** A null array entry is named, and does not stop the checks that look namespaces up by type. */
    @Test
    void nullEntriesAreReportedNotFatal() throws Exception {
        List<String> problems = problemsAfter(spec -> {
            ((ArrayNode) linux(spec).get("namespaces")).addNull();
            linux(spec).putArray("uidMappings").addNull();
            linux(spec).putObject("timeOffsets").putNull("monotonic");
        });

        assertEquals(List.of("linux.namespaces[6]: is required", "linux.uidMappings[0]: is required",
                "linux.uidMappings: is set but linux.namespaces has no user namespace",
                "linux.timeOffsets: is set but linux.namespaces has no time namespace"), problems);
    }

    @Test
    void everyProblemLineStartsWithAFieldPath() throws Exception {
        List<String> problems = problemsAfter(spec -> {
            spec.remove("root");
            process(spec).remove("user");
            linux(spec).putObject("personality").put("domain", "LINUX64");
            linux(spec).putObject("intelRdt").put("memBwSchema", "L3:0=1");
        });

        assertEquals(List.of("root: is required", "process.user: is required",
                "linux.personality.domain: must be LINUX or LINUX32, got \"LINUX64\"",
                "linux.intelRdt.memBwSchema: must start with \"MB:\" and be a single line, got \"L3:0=1\""), problems);
        problems.forEach(line -> assertTrue(line.matches("^[a-zA-Z][\\w.\\[\\]\"]*: .+"), line));
    }
}
