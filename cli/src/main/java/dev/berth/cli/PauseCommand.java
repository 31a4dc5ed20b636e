package dev.berth.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** `pause ID`: freezes every process of a running container; state then says "paused". */
final class PauseCommand implements Verb {
    private final PositionalParamSpec id = Args.containerId("the container to pause");

    @Override
    public CommandSpec spec() {
        return Args.command(this, "pause", "pause suspends all processes inside the container").addPositional(id);
    }

    @Override
    public int run(CliContext context) {
        context.runtime().pause(Args.value(id));
        return 0;
    }
}
