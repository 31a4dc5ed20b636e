package dev.berth.cli;

import dev.berth.cgroups.Stats;
import dev.berth.runtime.ContainerNotFoundException;
import dev.berth.runtime.ContainerRuntime;
import dev.berth.runtime.ContainerStatus;
import dev.berth.runtime.RuntimeFailure;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `events [--stats] [--interval D] ID`, as runc's events.go: with --stats one stats event, then
 * exit; otherwise a stats event every interval and an oom event whenever the OOM killer struck in
 * the container, one JSON object per line, until the container stops.
 */
final class EventsCommand implements Verb {
    /**
     * How often the loop looks at the OOM kill count and whether the container still runs, when
     * the interval is longer. runc waits on an eventfd the kernel signals (memory.oom_control via
     * cgroup.event_control); berth's JVM does not touch those files' notification API, so it
     * polls the count instead: the same events, at most this late, for one small read per poll.
     */
    static final Duration POLL = Duration.ofMillis(100);

    private final OptionSpec interval = OptionSpec.builder("--interval").type(Duration.class).arity("1")
            .paramLabel("DURATION").defaultValue("5s").converters(new GoDuration())
            .description("set the stats collection interval (default: 5s)").build();
    private final OptionSpec stats = Args.flag("display the container's stats then exit", "--stats");
    private final PositionalParamSpec id = Args.containerId("the container to watch");

    @Override
    public CommandSpec spec() {
        return Args.command(this, "events",
                        "display container events such as OOM notifications, cpu, memory, and IO usage statistics")
                .addOption(interval).addOption(stats).addPositional(id);
    }

    @Override
    public int run(CliContext context) {
        String container = Args.value(id);
        Duration every = interval();
        if (every.isNegative() || every.isZero()) {
            throw new RuntimeFailure("duration interval must be greater than 0");
        }
        ContainerRuntime runtime = context.runtime();
        if (runtime.state(container).status() == ContainerStatus.STOPPED) {
            throw new RuntimeFailure("container with id " + container + " is not running");
        }
        if (statsOnly()) {
            print(context, StatsJson.statsEvent(container, runtime.stats(container)));
            return 0;
        }
        watch(context, runtime, container, every);
        return 0;
    }

    Duration interval() {
        return Args.value(interval);
    }

    boolean statsOnly() {
        return Args.isSet(stats);
    }

    /**
     * The loop. Each poll first reports new OOM kills (an OOM kill of the init is what stops many
     * containers, and must be reported before the loop ends), then ends if the container has
     * stopped or is gone, then prints the stats when an interval has passed.
     */
    private static void watch(CliContext context, ContainerRuntime runtime, String container, Duration every) {
        long pollNanos = Math.min(every.toNanos(), POLL.toNanos());
        long kills = runtime.oomKills(container);
        long nextStats = System.nanoTime() + every.toNanos();
        while (true) {
            LockSupport.parkNanos(Math.min(pollNanos, Math.max(0, nextStats - System.nanoTime())));
            try {
                long now = runtime.oomKills(container);
                if (now > kills) {
                    print(context, StatsJson.oomEvent(container));
                }
                kills = Math.max(kills, now);
                if (runtime.state(container).status() == ContainerStatus.STOPPED) {
                    return;
                }
                if (System.nanoTime() - nextStats >= 0) {
                    // Like Go's time.Tick, which runc uses: ticks missed while busy are dropped.
                    nextStats = Math.max(nextStats + every.toNanos(), System.nanoTime());
                    statsOrLog(context, runtime, container);
                }
            } catch (ContainerNotFoundException gone) {
                return; // deleted while we watched
            }
        }
    }

    /** A failed read of the stats is logged and the loop goes on, as in runc. */
    private static void statsOrLog(CliContext context, ContainerRuntime runtime, String container) {
        Stats now;
        try {
            now = runtime.stats(container);
        } catch (ContainerNotFoundException gone) {
            throw gone;
        } catch (RuntimeFailure e) {
            CliContext.logger(EventsCommand.class).log(System.Logger.Level.ERROR, e.getMessage());
            return;
        }
        print(context, StatsJson.statsEvent(container, now));
    }

    /** One line, flushed at once: the reader (containerd, a pipe) acts on each event as it comes. */
    private static void print(CliContext context, String line) {
        context.out.print(line);
        context.out.flush();
    }
}
