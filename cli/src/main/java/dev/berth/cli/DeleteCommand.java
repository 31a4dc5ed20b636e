package dev.berth.cli;

import dev.berth.runtime.ContainerNotFoundException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** `delete [--force] ID`. */
final class DeleteCommand implements Verb {
    private final OptionSpec force =
            Args.flag("forcibly deletes the container if it is still running (uses SIGKILL)", "-f", "--force");
    private final PositionalParamSpec id = Args.containerId("the container to delete");

    @Override
    public CommandSpec spec() {
        return Args.command(this, "delete",
                        "delete any resources held by the container often used with detached container")
                .addOption(force).addPositional(id);
    }

    @Override
    public int run(CliContext context) {
        boolean forced = Args.isSet(force);
        try {
            context.runtime().delete(Args.value(id), forced);
        } catch (ContainerNotFoundException e) {
            // runc: `delete --force` of a container that is already gone succeeds, so that clients
            // (containerd cleaning up after a failed create) can call it unconditionally.
            if (!forced) {
                throw e;
            }
            CliContext.debug(DeleteCommand.class, e.getMessage());
        }
        return 0;
    }
}
