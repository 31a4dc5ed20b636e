package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.cgroups.Stats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The events lines against what runc's json.Encoder makes of the same types.Event. */
class StatsJsonTest {
    @Test
    void oomEventHasNoData() {
        assertEquals("{\"type\":\"oom\",\"id\":\"c\\u003c1\\u003e\"}\n", StatsJson.oomEvent("c<1>"),
                "data is omitempty; Go escapes < and > in strings");
    }

    @Test
    void nothingKnownIsGosZeroValues() {
        // Struct fields are never omitted; omitempty numbers and slices are; limit, failcnt,
        // kernel and user have no omitempty.
        String expected = "{\"type\":\"stats\",\"id\":\"x\",\"data\":{"
                + "\"cpu\":{\"usage\":{\"kernel\":0,\"user\":0},\"throttling\":{}},"
                + "\"memory\":{\"usage\":{\"limit\":0,\"failcnt\":0},\"swap\":{\"limit\":0,\"failcnt\":0},"
                + "\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,\"failcnt\":0}},"
                + "\"pids\":{},\"blkio\":{},\"hugetlb\":{}}}\n";
        assertEquals(expected, StatsJson.statsEvent("x", new Stats(null, null, null, null, null)));
    }

    @Test
    void everyFieldWithRuncsNamesAndOrder() {
        Stats stats = new Stats(
                new Stats.Cpu(new Stats.CpuUsage(30L, List.of(10L, 20L), List.of(1L, 2L), List.of(9L, 18L), 3L, 27L),
                        new Stats.Throttling(5L, 0L, 7L)),
                new Stats.Memory(4096L, new Stats.MemoryEntry(Stats.UNLIMITED, 100L, 200L, 0L),
                        new Stats.MemoryEntry(1L, 2L, 3L, 4L), null, new Stats.MemoryEntry(0L, 0L, 0L, 0L),
                        Map.of("rss", 5L, "cache", 6L)),
                new Stats.Pids(2L, Stats.UNLIMITED),
                new Stats.Blkio(List.of(new Stats.BlkioEntry(8, 0, "Read", 512), new Stats.BlkioEntry(8, 0, "Write", 0)),
                        List.of()),
                Map.of("2MB", new Stats.Hugetlb(0L, 0L, 0L), "1GB", new Stats.Hugetlb(1L, 2L, 3L)));
        String expected = "{\"type\":\"stats\",\"id\":\"x\",\"data\":{"
                + "\"cpu\":{\"usage\":{\"total\":30,\"percpu\":[10,20],\"percpu_kernel\":[1,2],\"percpu_user\":[9,18],"
                + "\"kernel\":3,\"user\":27},\"throttling\":{\"periods\":5,\"throttledTime\":7}},"
                + "\"memory\":{\"cache\":4096,\"usage\":{\"limit\":18446744073709551615,\"usage\":100,\"max\":200,\"failcnt\":0},"
                + "\"swap\":{\"limit\":1,\"usage\":2,\"max\":3,\"failcnt\":4},\"kernel\":{\"limit\":0,\"failcnt\":0},"
                + "\"kernelTCP\":{\"limit\":0,\"failcnt\":0},\"raw\":{\"cache\":6,\"rss\":5}},"
                + "\"pids\":{\"current\":2,\"limit\":18446744073709551615},"
                + "\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":512},{\"major\":8,\"op\":\"Write\"}]},"
                + "\"hugetlb\":{\"1GB\":{\"usage\":1,\"max\":2,\"failcnt\":3},\"2MB\":{\"failcnt\":0}}}}\n";
        String line = StatsJson.statsEvent("x", stats);
        assertEquals(expected, line);
        assertEquals(1, line.lines().count());
    }

    @Test
    void theLineIsJsonThatJacksonReadsBack() throws Exception {
        Stats stats = new Stats(null, null, new Stats.Pids(3L, 50L), null, Map.of());
        JsonNode event = new ObjectMapper().readTree(StatsJson.statsEvent("c1", stats));
        assertEquals("stats", event.path("type").asText());
        assertEquals(3, event.path("data").path("pids").path("current").asLong());
        assertEquals(50, event.path("data").path("pids").path("limit").asLong());
    }
}
