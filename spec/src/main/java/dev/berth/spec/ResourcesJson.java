package dev.berth.spec;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The reader of {@code linux.resources}; the conventions are those of {@link SpecJson}. */
final class ResourcesJson {

    private ResourcesJson() {
    }

    static LinuxResources resources(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        List<LinuxResources.DeviceRule> devices = null;
        LinuxResources.Memory memory = null;
        LinuxResources.Cpu cpu = null;
        LinuxResources.Pids pids = null;
        LinuxResources.BlockIo blockIO = null;
        List<LinuxResources.HugepageLimit> hugepageLimits = null;
        LinuxResources.Network network = null;
        Map<String, LinuxResources.Rdma> rdma = null;
        Map<String, String> unified = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "devices" -> devices = in.list(ResourcesJson::deviceRule);
                case "memory" -> memory = memory(in);
                case "cpu" -> cpu = cpu(in);
                case "pids" -> pids = pids(in);
                case "blockIO" -> blockIO = blockIo(in);
                case "hugepageLimits" -> hugepageLimits = in.list(ResourcesJson::hugepageLimit);
                case "network" -> network = network(in);
                case "rdma" -> rdma = in.map(ResourcesJson::rdma);
                case "unified" -> unified = in.stringMap();
                default -> in.skipValue();
            }
        }
        return new LinuxResources(devices, memory, cpu, pids, blockIO, hugepageLimits, network, rdma, unified);
    }

    static LinuxResources.DeviceRule deviceRule(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        Boolean allow = null;
        String type = null;
        Long major = null;
        Long minor = null;
        String access = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "allow" -> allow = in.bool();
                case "type" -> type = in.string();
                case "major" -> major = in.int64();
                case "minor" -> minor = in.int64();
                case "access" -> access = in.string();
                default -> in.skipValue();
            }
        }
        return new LinuxResources.DeviceRule(allow, type, major, minor, access);
    }

    static LinuxResources.Memory memory(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        Long limit = null;
        Long reservation = null;
        Long swap = null;
        Long kernel = null;
        Long kernelTCP = null;
        Long swappiness = null;
        Boolean disableOOMKiller = null;
        Boolean useHierarchy = null;
        Boolean checkBeforeUpdate = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "limit" -> limit = in.int64();
                case "reservation" -> reservation = in.int64();
                case "swap" -> swap = in.int64();
                case "kernel" -> kernel = in.int64();
                case "kernelTCP" -> kernelTCP = in.int64();
                case "swappiness" -> swappiness = in.uint64();
                case "disableOOMKiller" -> disableOOMKiller = in.bool();
                case "useHierarchy" -> useHierarchy = in.bool();
                case "checkBeforeUpdate" -> checkBeforeUpdate = in.bool();
                default -> in.skipValue();
            }
        }
        return new LinuxResources.Memory(limit, reservation, swap, kernel, kernelTCP, swappiness, disableOOMKiller,
                useHierarchy, checkBeforeUpdate);
    }

    static LinuxResources.Cpu cpu(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        Long shares = null;
        Long quota = null;
        Long burst = null;
        Long period = null;
        Long realtimeRuntime = null;
        Long realtimePeriod = null;
        String cpus = null;
        String mems = null;
        Long idle = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "shares" -> shares = in.uint64();
                case "quota" -> quota = in.int64();
                case "burst" -> burst = in.uint64();
                case "period" -> period = in.uint64();
                case "realtimeRuntime" -> realtimeRuntime = in.int64();
                case "realtimePeriod" -> realtimePeriod = in.uint64();
                case "cpus" -> cpus = in.string();
                case "mems" -> mems = in.string();
                case "idle" -> idle = in.int64();
                default -> in.skipValue();
            }
        }
        return new LinuxResources.Cpu(shares, quota, burst, period, realtimeRuntime, realtimePeriod, cpus, mems, idle);
    }

    static LinuxResources.Pids pids(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        Long limit = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "limit" -> limit = in.int64();
                default -> in.skipValue();
            }
        }
        return new LinuxResources.Pids(limit);
    }

    static LinuxResources.BlockIo blockIo(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        Integer weight = null;
        Integer leafWeight = null;
        List<LinuxResources.WeightDevice> weightDevice = null;
        List<LinuxResources.ThrottleDevice> readBps = null;
        List<LinuxResources.ThrottleDevice> writeBps = null;
        List<LinuxResources.ThrottleDevice> readIops = null;
        List<LinuxResources.ThrottleDevice> writeIops = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "weight" -> weight = in.uint16();
                case "leafWeight" -> leafWeight = in.uint16();
                case "weightDevice" -> weightDevice = in.list(ResourcesJson::weightDevice);
                case "throttleReadBpsDevice" -> readBps = in.list(ResourcesJson::throttleDevice);
                case "throttleWriteBpsDevice" -> writeBps = in.list(ResourcesJson::throttleDevice);
                case "throttleReadIOPSDevice" -> readIops = in.list(ResourcesJson::throttleDevice);
                case "throttleWriteIOPSDevice" -> writeIops = in.list(ResourcesJson::throttleDevice);
                default -> in.skipValue();
            }
        }
        return new LinuxResources.BlockIo(weight, leafWeight, weightDevice, readBps, writeBps, readIops, writeIops);
    }

    static LinuxResources.WeightDevice weightDevice(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        Long major = null;
        Long minor = null;
        Integer weight = null;
        Integer leafWeight = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "major" -> major = in.int64();
                case "minor" -> minor = in.int64();
                case "weight" -> weight = in.uint16();
                case "leafWeight" -> leafWeight = in.uint16();
                default -> in.skipValue();
            }
        }
        return new LinuxResources.WeightDevice(major, minor, weight, leafWeight);
    }

    static LinuxResources.ThrottleDevice throttleDevice(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        Long major = null;
        Long minor = null;
        Long rate = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "major" -> major = in.int64();
                case "minor" -> minor = in.int64();
                case "rate" -> rate = in.uint64();
                default -> in.skipValue();
            }
        }
        return new LinuxResources.ThrottleDevice(major, minor, rate);
    }

    static LinuxResources.HugepageLimit hugepageLimit(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String pageSize = null;
        Long limit = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "pageSize" -> pageSize = in.string();
                case "limit" -> limit = in.uint64();
                default -> in.skipValue();
            }
        }
        return new LinuxResources.HugepageLimit(pageSize, limit);
    }

    static LinuxResources.Network network(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        Long classID = null;
        List<LinuxResources.InterfacePriority> priorities = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "classID" -> classID = in.uint32();
                case "priorities" -> priorities = in.list(ResourcesJson::interfacePriority);
                default -> in.skipValue();
            }
        }
        return new LinuxResources.Network(classID, priorities);
    }

    static LinuxResources.InterfacePriority interfacePriority(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String name = null;
        Long priority = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "name" -> name = in.string();
                case "priority" -> priority = in.uint32();
                default -> in.skipValue();
            }
        }
        return new LinuxResources.InterfacePriority(name, priority);
    }

    static LinuxResources.Rdma rdma(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        Long hcaHandles = null;
        Long hcaObjects = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "hcaHandles" -> hcaHandles = in.uint32();
                case "hcaObjects" -> hcaObjects = in.uint32();
                default -> in.skipValue();
            }
        }
        return new LinuxResources.Rdma(hcaHandles, hcaObjects);
    }
}
