package dev.berth.cli;

import dev.berth.runtime.RuntimeFailure;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `update [-r FILE|-] [limit flags] ID`: changes the cgroup limits of a container, with runc's
 * flags (update.go). With --resources the limits come from that linux.resources JSON and, as in
 * runc, every other flag is ignored; otherwise each flag given sets one limit. Values are parsed
 * here rather than by picocli so that errors read like runc's ("invalid value for memory: ...").
 */
final class UpdateCommand implements Verb {
    private final OptionSpec resources = Args.option(String.class, "FILE",
            "path to the file containing the resources to update or '-' to read from the standard input "
                    + "(a linux.resources object; all other options are then ignored)", "-r", "--resources");
    private final OptionSpec blkioWeight = OptionSpec.builder("--blkio-weight").type(int.class).arity("1")
            .paramLabel("N").defaultValue("0")
            .description("Specifies per cgroup weight, range is from 10 to 1000").build();
    private final OptionSpec cpuPeriod = text("CPU CFS period to be used for hardcapping (in usecs). 0 to use system default", "--cpu-period");
    private final OptionSpec cpuQuota = text("CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period", "--cpu-quota");
    private final OptionSpec cpuBurst = text("CPU CFS hardcap burst limit (in usecs)", "--cpu-burst");
    // runc's flag is --cpu-share; --cpu-shares (the config.json field's name) is accepted too.
    private final OptionSpec cpuShare = text("CPU shares (relative weight vs. other containers)", "--cpu-share", "--cpu-shares");
    private final OptionSpec cpuRtPeriod = text("CPU realtime period to be used for hardcapping (in usecs). 0 to use system default", "--cpu-rt-period");
    private final OptionSpec cpuRtRuntime = text("CPU realtime hardcap limit (in usecs). Allowed cpu time in a given period", "--cpu-rt-runtime");
    private final OptionSpec cpusetCpus = text("CPU(s) to use", "--cpuset-cpus");
    private final OptionSpec cpusetMems = text("Memory node(s) to use", "--cpuset-mems");
    private final OptionSpec cpuIdle = text("set cgroup SCHED_IDLE or not, 0: default behavior, 1: SCHED_IDLE", "--cpu-idle");
    private final OptionSpec memory = text("Memory limit (in bytes; suffixes k, m, g: 64m)", "--memory");
    private final OptionSpec memoryReservation = text("Memory reservation or soft_limit (in bytes)", "--memory-reservation");
    private final OptionSpec memorySwap = text("Total memory usage (memory + swap); set '-1' to enable unlimited swap", "--memory-swap");
    private final OptionSpec pidsLimit = OptionSpec.builder("--pids-limit").type(long.class).arity("1")
            .paramLabel("N").defaultValue("0")
            .description("Maximum number of pids allowed in the container").build();
    private final OptionSpec kernelMemory = hidden("--kernel-memory");
    private final OptionSpec kernelMemoryTcp = hidden("--kernel-memory-tcp");
    private final OptionSpec l3CacheSchema = text("The string of Intel RDT/CAT L3 cache schema (not supported)", "--l3-cache-schema");
    private final OptionSpec memBwSchema = text("The string of Intel RDT/MBA memory bandwidth schema (not supported)", "--mem-bw-schema");
    private final PositionalParamSpec id = Args.containerId("the container to update");

    private static OptionSpec text(String description, String... names) {
        return Args.option(String.class, "VALUE", description, names);
    }

    private static OptionSpec hidden(String name) {
        return OptionSpec.builder(name).type(String.class).arity("1").hidden(true).description("(obsoleted; do not use)").build();
    }

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Args.command(this, "update", "update container resource constraints");
        for (OptionSpec option : new OptionSpec[] {resources, blkioWeight, cpuPeriod, cpuQuota, cpuBurst, cpuShare,
            cpuRtPeriod, cpuRtRuntime, cpusetCpus, cpusetMems, kernelMemory, kernelMemoryTcp, memory, cpuIdle,
            memoryReservation, memorySwap, pidsLimit, l3CacheSchema, memBwSchema}) {
            spec.addOption(option);
        }
        return spec.addPositional(id);
    }

    @Override
    public int run(CliContext context) {
        String file = Args.value(resources);
        ResourceChanges changes = file != null && !file.isEmpty()
                ? ResourceChanges.read(file, System.in) : fromFlags();
        // Intel RDT is not something berth manages; runc says this when the host lacks it.
        if (Args.value(l3CacheSchema) != null) {
            throw new RuntimeFailure("Intel RDT/CAT: l3 cache schema is not enabled");
        }
        if (Args.value(memBwSchema) != null) {
            throw new RuntimeFailure("Intel RDT/MBA: memory bandwidth schema is not enabled");
        }
        context.runtime().update(Args.value(id), changes.toResources());
        return 0;
    }

    /** The limits the flags set; a flag not given (or empty) leaves its limit alone. */
    ResourceChanges fromFlags() {
        ResourceChanges changes = new ResourceChanges();
        int weight = Args.value(blkioWeight);
        changes.blkioWeight = weight == 0 ? null : weight;
        changes.cpusetCpus = Args.value(cpusetCpus);
        changes.cpusetMems = Args.value(cpusetMems);
        changes.cpuIdle = signed(cpuIdle, "cpu-idle");
        changes.cpuBurst = unsigned(cpuBurst, "cpu-burst");
        changes.cpuPeriod = unsigned(cpuPeriod, "cpu-period");
        changes.cpuRealtimePeriod = unsigned(cpuRtPeriod, "cpu-rt-period");
        changes.cpuShares = unsigned(cpuShare, "cpu-share");
        changes.cpuQuota = signed(cpuQuota, "cpu-quota");
        changes.cpuRealtimeRuntime = signed(cpuRtRuntime, "cpu-rt-runtime");
        changes.memoryLimit = bytes(memory, "memory");
        changes.memorySwap = bytes(memorySwap, "memory-swap");
        changes.memoryReservation = bytes(memoryReservation, "memory-reservation");
        for (OptionSpec ignored : new OptionSpec[] {kernelMemory, kernelMemoryTcp}) {
            if (present(ignored)) {
                CliContext.logger(UpdateCommand.class).log(System.Logger.Level.WARNING,
                        "Setting " + ignored.longestName() + " is ignored and will be removed");
            }
        }
        long pids = Args.value(pidsLimit);
        changes.pidsLimit = pids == 0 ? null : pids;
        return changes;
    }

    private static boolean present(OptionSpec option) {
        String value = Args.value(option);
        return value != null && !value.isEmpty();
    }

    private static Long signed(OptionSpec option, String name) {
        if (!present(option)) {
            return null;
        }
        String value = Args.value(option);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new RuntimeFailure("invalid value for " + name + ": \"" + value + "\" is not an integer", e);
        }
    }

    private static Long unsigned(OptionSpec option, String name) {
        if (!present(option)) {
            return null;
        }
        String value = Args.value(option);
        try {
            if (!value.startsWith("+")) {
                return Long.parseUnsignedLong(value);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new RuntimeFailure("invalid value for " + name + ": \"" + value + "\" is not an unsigned integer");
    }

    /** "-1" is unlimited; anything else goes through go-units' RAMInBytes ("64m"). */
    private static Long bytes(OptionSpec option, String name) {
        if (!present(option)) {
            return null;
        }
        String value = Args.value(option);
        if (value.equals("-1")) {
            return -1L;
        }
        try {
            return RamBytes.parse(value);
        } catch (RuntimeFailure e) {
            throw new RuntimeFailure("invalid value for " + name + ": " + e.getMessage(), e);
        }
    }
}
