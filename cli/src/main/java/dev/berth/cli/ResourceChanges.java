package dev.berth.cli;

import dev.berth.cgroups.Resources;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.spec.Json;
import dev.berth.spec.JsonInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The limits one `update` changes: what runc's update.go copies into the container's cgroup
 * configuration, from --resources (a linux.resources object of config.json) or from the flags.
 * Fields left null are not touched.
 *
 * <p>Zero means "leave as is" for the numbers runc's cgroup drivers only write when non-zero
 * (libcontainer/cgroups/fs: memory, reservation, swap, cpu shares, quota, period, realtime
 * values, blkio weight, pids limit), and so it does here: {@code --memory 0} changes nothing
 * rather than writing 0 to memory.limit_in_bytes. cpu.burst and cpu.idle are written as given.
 */
final class ResourceChanges {
    Long memoryLimit;
    Long memoryReservation;
    Long memorySwap;
    Long cpuShares;
    Long cpuQuota;
    Long cpuPeriod;
    Long cpuBurst;
    Long cpuRealtimeRuntime;
    Long cpuRealtimePeriod;
    Long cpuIdle;
    String cpusetCpus;
    String cpusetMems;
    Integer blkioWeight;
    Long pidsLimit;
    Map<String, String> unified;

    /** The cgroup module's view: only what is set, zeros dropped as described above. */
    Resources toResources() {
        Long limit = nonZero(memoryLimit);
        Long reservation = nonZero(memoryReservation);
        Long swap = nonZero(memorySwap);
        // An unlimited memory with swap not given also makes memory+swap unlimited: the cgroups
        // module does that where memsw exists (as runc's update does, for cgroup v1's sake).
        Resources.Memory memory = limit == null && reservation == null && swap == null
                ? null : new Resources.Memory(limit, reservation, swap, null, null, null, null);
        Long shares = nonZero(cpuShares);
        Long quota = nonZero(cpuQuota);
        Long period = nonZero(cpuPeriod);
        Long rtRuntime = nonZero(cpuRealtimeRuntime);
        Long rtPeriod = nonZero(cpuRealtimePeriod);
        String cpus = nonEmpty(cpusetCpus);
        String mems = nonEmpty(cpusetMems);
        Resources.Cpu cpu = shares == null && quota == null && period == null && rtRuntime == null && rtPeriod == null
                && cpus == null && mems == null && cpuBurst == null && cpuIdle == null
                ? null : new Resources.Cpu(shares, quota, period, rtRuntime, rtPeriod, cpus, mems, cpuBurst,
                        cpuIdle == null ? null : cpuIdle != 0);
        Resources.Pids pids = pidsLimit == null || pidsLimit == 0 ? null : new Resources.Pids(pidsLimit);
        Resources.BlockIo blockIo = blkioWeight == null || blkioWeight == 0
                ? null : new Resources.BlockIo(blkioWeight, null, null, null, null, null, null);
        return new Resources(memory, cpu, pids, blockIo, null, null, unified);
    }

    private static Long nonZero(Long value) {
        return value == null || value == 0 ? null : value;
    }

    private static String nonEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /**
     * Reads a linux.resources JSON object from {@code file}, or from standard input for "-".
     * Messages name the file and the field: {@code r.json: memory.limit: expected an integer, got "x"}.
     */
    static ResourceChanges read(String file, InputStream stdin) {
        try {
            if (file.equals("-")) {
                String json = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
                try {
                    return Json.parse(json, ResourceChanges::resources);
                } catch (IOException e) {
                    throw new RuntimeFailure("standard input: " + e.getMessage(), e);
                }
            }
            return Json.read(Path.of(file), ResourceChanges::resources);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new RuntimeFailure("open " + file + ": no such file or directory", e);
        } catch (IOException e) {
            throw new RuntimeFailure(e.getMessage() != null && e.getMessage().startsWith(file)
                    ? e.getMessage() : "read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The fields runc's update takes from the object; the others (devices, hugepageLimits,
     * network, rdma, memory.kernel, swappiness, ...) it ignores, as here.
     */
    private static ResourceChanges resources(JsonInput in) throws IOException {
        ResourceChanges changes = new ResourceChanges();
        if (!in.beginObject()) {
            return changes;
        }
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "memory" -> changes.memory(in);
                case "cpu" -> changes.cpu(in);
                case "blockIO" -> changes.blockIo(in);
                case "pids" -> changes.pids(in);
                case "unified" -> changes.unified = in.stringMap();
                default -> in.skipValue();
            }
        }
        return changes;
    }

    private void memory(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return;
        }
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "limit" -> memoryLimit = in.int64();
                case "reservation" -> memoryReservation = in.int64();
                case "swap" -> memorySwap = in.int64();
                default -> in.skipValue(); // checkBeforeUpdate: berth has no such check
            }
        }
    }

    private void cpu(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return;
        }
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "shares" -> cpuShares = in.uint64();
                case "quota" -> cpuQuota = in.int64();
                case "burst" -> cpuBurst = in.uint64();
                case "period" -> cpuPeriod = in.uint64();
                case "realtimeRuntime" -> cpuRealtimeRuntime = in.int64();
                case "realtimePeriod" -> cpuRealtimePeriod = in.uint64();
                case "cpus" -> cpusetCpus = in.string();
                case "mems" -> cpusetMems = in.string();
                case "idle" -> cpuIdle = in.int64();
                default -> in.skipValue();
            }
        }
    }

    private void blockIo(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return;
        }
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            if (field.equals("weight")) {
                blkioWeight = in.uint16();
            } else {
                in.skipValue();
            }
        }
    }

    private void pids(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return;
        }
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            if (field.equals("limit")) {
                pidsLimit = in.int64();
            } else {
                in.skipValue();
            }
        }
    }
}
