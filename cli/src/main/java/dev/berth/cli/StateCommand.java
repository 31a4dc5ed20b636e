package dev.berth.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** `state`: runc's state JSON (see {@link StateJson#indented}). */
final class StateCommand implements Verb {
    private final PositionalParamSpec id = Args.containerId("the container to describe");

    @Override
    public CommandSpec spec() {
        return Args.command(this, "state", "output the state of a container").addPositional(id);
    }

    @Override
    public int run(CliContext context) {
        context.out.print(StateJson.indented(context.runtime().state(Args.value(id))));
        context.out.flush();
        return 0;
    }
}
