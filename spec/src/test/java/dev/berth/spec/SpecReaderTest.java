package dev.berth.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecReaderTest {

    static String resource(String name) throws IOException {
        try (InputStream in = SpecReaderTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static SpecException parseFails(String json) {
        return assertThrows(SpecException.class, () -> SpecReader.parse(json, "config.json"));
    }

    @Test
    void readsEveryFieldOfAFullRuncStyleConfig(@TempDir Path bundle) throws Exception {
        Path config = bundle.resolve("config.json");
        Files.writeString(config, resource("full-config.json"));

        Spec spec = SpecReader.read(config);

        assertEquals("1.2.0", spec.ociVersion());
        Process process = spec.process();
        assertEquals(true, process.terminal());
        assertEquals(new Process.ConsoleSize(25L, 80L), process.consoleSize());
        assertEquals(new Process.User(1000L, 1000L, 18L, List.of(5L, 4294967295L), null), process.user());
        assertEquals(List.of("/bin/sh", "-c", "echo hi"), process.args());
        assertEquals("/root", process.cwd());
        assertEquals(List.of("CAP_NET_BIND_SERVICE"), process.capabilities().ambient());
        assertEquals(List.of("CAP_KILL"), process.capabilities().inheritable());
        assertEquals(new Process.Rlimit("RLIMIT_NOFILE", 1024L, 1024L), process.rlimits().get(0));
        assertEquals(100, process.oomScoreAdj());
        assertEquals(new Process.IoPriority("IOPRIO_CLASS_BE", 4), process.ioPriority());
        assertEquals("SCHED_DEADLINE", process.scheduler().policy());
        assertEquals(40_000_000L, process.scheduler().period());
        assertEquals(new Root("rootfs", true), spec.root());
        assertEquals("example.org", spec.domainname());
        assertEquals(3, spec.mounts().size());
        assertNull(spec.mounts().get(0).options(), "an absent options list stays null, not empty");
        assertEquals(List.of(new IdMapping(0L, 100000L, 65536L)), spec.mounts().get(2).uidMappings());
        assertEquals(5, spec.hooks().createContainer().get(0).timeout());
        assertEquals("/usr/sbin/cleanup.sh", spec.hooks().poststop().get(0).path());
        assertEquals("value2", spec.annotations().get("com.example.key2"));
    }

    @Test
    void readsTheLinuxSectionIncludingResourcesAndSeccomp(@TempDir Path bundle) throws Exception {
        Path config = bundle.resolve("config.json");
        Files.writeString(config, resource("full-config.json"));

        Linux linux = SpecReader.read(config).linux();

        assertEquals("1", linux.sysctl().get("net.ipv4.ip_forward"));
        assertEquals("/var/run/netns/neta", linux.namespace("network").orElseThrow().path());
        assertTrue(linux.hasNamespace("time"));
        assertEquals(new Linux.Device("/dev/myfifo", "p", null, null, null, null, null), linux.devices().get(1));
        assertEquals(438L, linux.devices().get(0).fileMode());
        LinuxResources resources = linux.resources();
        assertEquals(-1L, resources.memory().swap());
        assertEquals(true, resources.memory().checkBeforeUpdate());
        assertEquals(1_000_000L, resources.cpu().burst());
        assertEquals("2-3", resources.cpu().cpus());
        assertEquals(32771L, resources.pids().limit());
        assertEquals(300, resources.blockIO().weightDevice().get(0).leafWeight());
        assertEquals(400L, resources.blockIO().throttleWriteIOPSDevice().get(0).rate());
        assertEquals(1048577L, resources.network().classID());
        assertEquals(new LinuxResources.Rdma(3L, 10000L), resources.rdma().get("mlx5_1"));
        assertEquals("1073741824", resources.unified().get("memory.high"));
        assertEquals(38L, linux.seccomp().defaultErrnoRet());
        assertEquals("SCMP_CMP_MASKED_EQ", linux.seccomp().syscalls().get(1).args().get(0).op());
        assertEquals("rslave", linux.rootfsPropagation());
        assertEquals(true, linux.intelRdt().enableCMT());
        assertEquals("LINUX", linux.personality().domain());
        assertEquals(new Linux.TimeOffset(-3600L, 500L), linux.timeOffsets().get("monotonic"));
        assertNull(linux.timeOffsets().get("boottime").nanosecs());
    }

    @Test
    void writingWhatWasReadReproducesTheDocument() throws Exception {
        String original = resource("full-config.json");
        Spec spec = SpecReader.parse(original, "config.json");

        String written = SpecWriter.write(spec);

        ObjectMapper plain = new ObjectMapper();
        JsonNode expected = plain.readTree(original);
        JsonNode actual = plain.readTree(written);
        assertEquals(expected, actual, "every field survives a read/write round trip, with unsigned values intact");
        assertEquals(spec, SpecReader.parse(written, "written"));
    }

    @Test
    void rlimInfinityReadsAsMinusOneAndIsWrittenBackUnsigned() throws Exception {
        Spec spec = SpecReader.parse("""
                {"ociVersion": "1.2.0", "process": {"rlimits": [
                  {"type": "RLIMIT_CORE", "hard": 18446744073709551615, "soft": 9223372036854775808}]}}
                """, "config.json");

        Process.Rlimit rlimit = spec.process().rlimits().get(0);
        assertEquals(RlimitType.INFINITY, rlimit.hard());
        assertEquals(Long.MIN_VALUE, rlimit.soft(), "2^63 wraps to Long.MIN_VALUE");
        String written = SpecWriter.write(rlimit);
        assertTrue(written.contains("\"hard\": 18446744073709551615"), written);
        assertTrue(written.contains("\"soft\": 9223372036854775808"), written);
    }

    @Test
    void memoryValuesAcceptMinusOne() throws Exception {
        Spec spec = SpecReader.parse("""
                {"ociVersion": "1.2.0", "linux": {"resources": {"memory": {"limit": -1, "swap": -1}}}}
                """, "config.json");

        assertEquals(-1L, spec.linux().resources().memory().limit());
        assertEquals(-1L, spec.linux().resources().memory().swap());
    }

    @Test
    void unknownPropertiesAreIgnoredAtEveryLevel() throws Exception {
        Spec spec = SpecReader.parse("""
                {"ociVersion": "1.2.0", "vm": {"hypervisor": {"path": "/x"}}, "futureTopLevel": [1, {"a": null}],
                 "process": {"cwd": "/", "execCPUAffinity": {"initial": "0"}, "user": {"uid": 0, "gid": 0, "x": 1}},
                 "linux": {"netDevices": {"eth0": {"name": "x"}}, "resources": {"memory": {"future": true}}}}
                """, "config.json");

        assertEquals("/", spec.process().cwd());
        assertEquals(0L, spec.process().user().uid());
        assertEquals(new LinuxResources.Memory(null, null, null, null, null, null, null, null, null),
                spec.linux().resources().memory());
    }

    @Test
    void aValueOfTheWrongTypeNamesItsPath() {
        assertEquals("config.json: linux.resources.memory.limit: expected an integer, got \"abc\"",
                parseFails("{\"linux\": {\"resources\": {\"memory\": {\"limit\": \"abc\"}}}}").getMessage());
        assertEquals("config.json: process.args: expected an array, got \"sh\"",
                parseFails("{\"process\": {\"args\": \"sh\"}}").getMessage());
        assertEquals("config.json: process.args[1]: expected a string, got 3",
                parseFails("{\"process\": {\"args\": [\"a\", 3]}}").getMessage());
        assertEquals("config.json: root.readonly: expected a boolean, got \"true\"",
                parseFails("{\"root\": {\"readonly\": \"true\"}}").getMessage());
        assertEquals("config.json: ociVersion: expected a string, got 1",
                parseFails("{\"ociVersion\": 1}").getMessage());
        assertEquals("config.json: mounts[0]: expected an object, got \"/proc\"",
                parseFails("{\"mounts\": [\"/proc\"]}").getMessage());
        assertEquals("config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, got 1",
                parseFails("{\"linux\": {\"sysctl\": {\"net.ipv4.ip_forward\": 1}}}").getMessage());
        assertEquals("config.json: linux.resources.cpu.quota: expected an integer, got 1.5",
                parseFails("{\"linux\": {\"resources\": {\"cpu\": {\"quota\": 1.5}}}}").getMessage());
    }

    @Test
    void integersOutsideTheirGoTypeAreTypeErrors() {
        assertEquals("config.json: process.user.uid: expected an unsigned 32-bit integer (0 to 4294967295), got -1",
                parseFails("{\"process\": {\"user\": {\"uid\": -1}}}").getMessage());
        assertEquals("config.json: process.user.additionalGids[1]: expected an unsigned 32-bit integer"
                        + " (0 to 4294967295), got 4294967296",
                parseFails("{\"process\": {\"user\": {\"additionalGids\": [1, 4294967296]}}}").getMessage());
        assertEquals("config.json: process.rlimits[0].soft: expected an unsigned 64-bit integer"
                        + " (0 to 18446744073709551615), got -1",
                parseFails("{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": -1}]}}").getMessage());
        assertEquals("config.json: linux.resources.hugepageLimits[0].limit: expected an unsigned 64-bit integer"
                        + " (0 to 18446744073709551615), got 18446744073709551616",
                parseFails("{\"linux\": {\"resources\": {\"hugepageLimits\": [{\"limit\": 18446744073709551616}]}}}")
                        .getMessage());
        assertEquals("config.json: linux.resources.memory.limit: expected an integer from -9223372036854775808"
                        + " to 9223372036854775807, got 18446744073709551615",
                parseFails("{\"linux\": {\"resources\": {\"memory\": {\"limit\": 18446744073709551615}}}}")
                        .getMessage());
        assertEquals("config.json: linux.resources.blockIO.weight: expected an unsigned 16-bit integer"
                        + " (0 to 65535), got 70000",
                parseFails("{\"linux\": {\"resources\": {\"blockIO\": {\"weight\": 70000}}}}").getMessage());
        assertEquals("config.json: linux.timeOffsets[\"boottime\"].secs: expected an integer, got \"x\"",
                parseFails("{\"linux\": {\"timeOffsets\": {\"boottime\": {\"secs\": \"x\"}}}}").getMessage());
    }

    @Test
    void malformedJsonGivesLineAndColumn() {
        String json = "{\n  \"ociVersion\": \"1.2.0\",\n  \"process\": {\n    \"args\": [\"sh\",]\n  }\n}";

        String message = parseFails(json).getMessage();

        assertTrue(message.startsWith("config.json: malformed JSON at line 4, column 19: "), message);
        assertFalse(message.contains("[Source"), "Jackson's source dump is left out: " + message);
    }

    @Test
    void textAfterTheObjectIsMalformed() {
        String message = parseFails("{\"ociVersion\": \"1.2.0\"}\n}").getMessage();

        assertTrue(message.startsWith("config.json: malformed JSON at line 2, column 1: "), message);
    }

    @Test
    void anyValueAfterTheObjectIsMalformedAndNamed() {
        assertEquals("config.json: malformed JSON at line 2, column 3: expected end of input after the top-level object, got 5",
                parseFails("{\"ociVersion\": \"1.2.0\"}\n  5").getMessage());
        assertEquals("config.json: malformed JSON at line 1, column 4: expected end of input after the top-level object,"
                + " got an object", parseFails("{} {}").getMessage());
    }

    /** Go's encoding/json refuses them too; Jackson's data binding, which berth used before, read them as null. */
    @Test
    void aBlankStringIsNeitherANumberNorABoolean() {
        assertEquals("config.json: root.readonly: expected a boolean, got \" \"",
                parseFails("{\"root\": {\"readonly\": \" \"}}").getMessage());
        assertEquals("config.json: linux.resources.memory.limit: expected an integer, got \"\\t\"",
                parseFails("{\"linux\": {\"resources\": {\"memory\": {\"limit\": \"\\t\"}}}}").getMessage());
        assertEquals("config.json: process.oomScoreAdj: expected an integer, got \" \"",
                parseFails("{\"process\": {\"oomScoreAdj\": \" \"}}").getMessage());
    }

    @Test
    void nullsInsideArraysAndMapsAreKeptForTheValidatorToName() throws Exception {
        Spec spec = SpecReader.parse("""
                {"process": {"args": ["sh", null], "user": {"additionalGids": [null]}},
                 "mounts": [null], "annotations": {"a": null}}
                """, "config.json");

        assertEquals(Arrays.asList("sh", null), spec.process().args());
        assertEquals(Collections.singletonList(null), spec.process().user().additionalGids());
        assertEquals(Collections.singletonList(null), spec.mounts());
        assertTrue(spec.annotations().containsKey("a"));
        assertNull(spec.annotations().get("a"));
    }

    @Test
    void deeplyNestedUnknownValuesAreSkippedWhole() throws Exception {
        String deep = "[".repeat(500) + "{\"ociVersion\": 1}" + "]".repeat(500);

        Spec spec = SpecReader.parse("{\"x\": " + deep + ", \"ociVersion\": \"1.2.0\"}", "config.json");

        assertEquals("1.2.0", spec.ociVersion());
    }

    @Test
    void aProcessJsonReadsAsTheProcessOfAConfig(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("process.json"),
                "{\"args\": [\"ps\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0}, \"class\": \"x\"}");
        Spec full = SpecReader.parse(resource("full-config.json"), "config.json");

        Process process = SpecReader.readProcess(file);

        assertEquals(List.of("ps"), process.args());
        assertEquals(new Process.User(0L, 0L, null, null, null), process.user());
        assertEquals(full.process(), SpecReader.parseProcess(SpecWriter.write(full.process()), "process.json"));
        assertEquals("process.json: user.uid: expected an unsigned 32-bit integer (0 to 4294967295), got \"0\"",
                assertThrows(SpecException.class, () -> SpecReader.parseProcess("{\"user\": {\"uid\": \"0\"}}",
                        "process.json")).getMessage());
        assertEquals(dir.resolve("gone.json") + ": no such file",
                assertThrows(SpecException.class, () -> SpecReader.readProcess(dir.resolve("gone.json"))).getMessage());
    }

    @Test
    void aDocumentThatIsNotAnObjectIsRejected() {
        assertEquals("config.json: expected an object, got end of input", parseFails("").getMessage());
        assertEquals("config.json: expected an object, got an array", parseFails("[]").getMessage());
        assertEquals("config.json: expected an object, got null", parseFails("null").getMessage());
    }

    @Test
    void aMissingConfigJsonIsNamed(@TempDir Path bundle) {
        Path config = bundle.resolve("config.json");

        SpecException e = assertThrows(SpecException.class, () -> SpecReader.read(config));

        assertEquals(config + ": no such file (bundle must contain config.json)", e.getMessage());
    }

    @Test
    void aDirectoryInPlaceOfConfigJsonIsNamed(@TempDir Path bundle) throws IOException {
        Path config = Files.createDirectory(bundle.resolve("config.json"));

        SpecException e = assertThrows(SpecException.class, () -> SpecReader.read(config));

        assertTrue(e.getMessage().startsWith(config + ": cannot read: "), e.getMessage());
    }

    @Test
    void malformedFileContentIsReportedWithTheFileName(@TempDir Path bundle) throws IOException {
        Path config = Files.writeString(bundle.resolve("config.json"), "{\"ociVersion\": }");

        SpecException e = assertThrows(SpecException.class, () -> SpecReader.read(config));

        assertTrue(e.getMessage().startsWith(config + ": malformed JSON at line 1, column 16: "), e.getMessage());
    }

    @Test
    void nullsAreOmittedWhenWriting() {
        String written = SpecWriter.write(new Spec("1.2.0", null, new Root("rootfs", null), null, null, null, null,
                Map.of(), null));

        assertEquals("{\n\t\"ociVersion\": \"1.2.0\",\n\t\"root\": {\n\t\t\"path\": \"rootfs\"\n\t},\n\t\"annotations\": {}\n}",
                written);
    }
}
