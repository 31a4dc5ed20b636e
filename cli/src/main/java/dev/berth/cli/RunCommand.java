package dev.berth.cli;

import dev.berth.runtime.RuntimeFailure;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** `run`: create + start; in the foreground it exits with the container's exit status, as runc does. */
final class RunCommand implements Verb {
    private final CreateFlags flags = new CreateFlags();
    private final OptionSpec detach = Args.flag("detach from the container's process", "-d", "--detach");
    private final OptionSpec keep = Args.flag("do not delete the container after it exits (not supported yet)", "--keep");
    private final OptionSpec noSubreaper = Args.flag("accepted for runc compatibility; ignored", "--no-subreaper");
    private final PositionalParamSpec id =
            Args.containerId("your name for the instance of the container, unique per host");

    @Override
    public CommandSpec spec() {
        return flags.addTo(Args.command(this, "run", "create and run a container"))
                .addOption(detach).addOption(keep).addOption(noSubreaper).addPositional(id);
    }

    @Override
    public int run(CliContext context) {
        if (Args.isSet(keep)) {
            // ContainerRuntime.run always deletes a foreground container once it exits; pretending
            // to keep it would leave callers looking for a container that is gone.
            throw new RuntimeFailure("run --keep is not supported yet");
        }
        if (Args.isSet(noSubreaper)) {
            CliContext.debug(RunCommand.class, "--no-subreaper: accepted and ignored");
        }
        return context.runtime().run(Args.value(id), flags.bundle(), flags.options(RunCommand.class), Args.isSet(detach));
    }
}
