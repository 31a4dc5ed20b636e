package dev.berth.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** `resume ID`: thaws a paused container. */
final class ResumeCommand implements Verb {
    private final PositionalParamSpec id = Args.containerId("the container to resume");

    @Override
    public CommandSpec spec() {
        return Args.command(this, "resume", "resumes all processes that have been previously paused").addPositional(id);
    }

    @Override
    public int run(CliContext context) {
        context.runtime().resume(Args.value(id));
        return 0;
    }
}
