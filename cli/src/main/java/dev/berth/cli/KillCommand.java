package dev.berth.cli;

import dev.berth.linux.Signals;
import dev.berth.runtime.RuntimeFailure;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** `kill ID [SIGNAL]`: the signal by number (9) or name (KILL, SIGKILL); SIGTERM by default. */
final class KillCommand implements Verb {
    private final OptionSpec all =
            Args.flag("send the specified signal to all processes inside the container", "-a", "--all");
    private final PositionalParamSpec id = Args.containerId("the container to signal");
    private final PositionalParamSpec signal = PositionalParamSpec.builder().index("1").arity("0..1")
            .type(String.class).paramLabel("<signal>").defaultValue("SIGTERM")
            .description("signal name or number (default: SIGTERM)").build();

    @Override
    public CommandSpec spec() {
        return Args.command(this, "kill",
                        "kill sends the specified signal (default: SIGTERM) to the container's init process")
                .addOption(all).addPositional(id).addPositional(signal);
    }

    @Override
    public int run(CliContext context) {
        String name = Args.value(signal);
        int number;
        try {
            number = Signals.parse(name);
        } catch (IllegalArgumentException e) {
            throw new RuntimeFailure(e.getMessage() == null ? "unknown signal: " + name : e.getMessage(), e);
        }
        context.runtime().kill(Args.value(id), number, Args.isSet(all));
        return 0;
    }
}
