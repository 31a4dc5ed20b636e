package dev.berth.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** `create`: sets the container up and leaves its process waiting for `start`; prints nothing. */
final class CreateCommand implements Verb {
    private final CreateFlags flags = new CreateFlags();
    // go-runc (containerd's client library) sends --detach when CreateOpts.Detach is set; create
    // returns once the container waits for `start` either way.
    private final OptionSpec detach = Args.flag("accepted for go-runc compatibility; create always detaches",
            "-d", "--detach");
    private final PositionalParamSpec id =
            Args.containerId("your name for the instance of the container, unique per host");

    @Override
    public CommandSpec spec() {
        return flags.addTo(Args.command(this, "create", "create a container")).addOption(detach).addPositional(id);
    }

    @Override
    public int run(CliContext context) {
        context.runtime().create(Args.value(id), flags.bundle(), flags.options(CreateCommand.class));
        return 0;
    }
}
