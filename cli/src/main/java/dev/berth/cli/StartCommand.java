package dev.berth.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** `start`: lets a created container exec its process; prints nothing. */
final class StartCommand implements Verb {
    private final PositionalParamSpec id = Args.containerId("the container to start");

    @Override
    public CommandSpec spec() {
        return Args.command(this, "start", "executes the user defined process in a created container")
                .addPositional(id);
    }

    @Override
    public int run(CliContext context) {
        context.runtime().start(Args.value(id));
        return 0;
    }
}
