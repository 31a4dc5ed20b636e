package dev.berth.cli.berth;

import dev.berth.cli.Args;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** `image unmount DIR`: unmounts a bundle made by `image mount` and removes its writable snapshot. */
final class ImageUnmountCommand implements BerthVerb {
    private final PositionalParamSpec dir = Args.positional(0, "DIR", "bundle directory made by image mount", true);

    @Override
    public CommandSpec spec() {
        return Args.command(this, "unmount", "unmount a bundle made by image mount and drop its changes")
                .addPositional(dir);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        context.images().unmount(Path.of((String) Args.value(dir)));
        return 0;
    }
}
