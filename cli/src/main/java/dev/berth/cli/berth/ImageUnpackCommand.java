package dev.berth.cli.berth;

import dev.berth.cli.Args;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `image unpack IMAGE DIR`: like `umoci unpack`, a runtime bundle made of plain files: DIR/rootfs
 * with every layer applied (whiteouts carried out, no markers left) and DIR/config.json from the
 * image config. `berth-runtime run -b DIR` runs it.
 */
final class ImageUnpackCommand implements BerthVerb {
    private final OptionSpec platform = Args.option(String.class, "<os/arch[/variant]>",
            "platform to unpack from an index (default: this machine's)", "--platform");
    private final PositionalParamSpec image = Args.positional(0, "IMAGE", "image name or ID", true);
    private final PositionalParamSpec dir = Args.positional(1, "DIR", "bundle directory (its rootfs must not exist)",
            true);

    @Override
    public CommandSpec spec() {
        return Args.command(this, "unpack", "unpack an image into a runtime bundle directory")
                .addOption(platform).addPositional(image).addPositional(dir);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        context.images().unpack(Args.value(image), Path.of((String) Args.value(dir)),
                BerthContext.platform(Args.value(platform)));
        return 0;
    }
}
