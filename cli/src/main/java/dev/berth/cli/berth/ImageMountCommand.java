package dev.berth.cli.berth;

import dev.berth.cli.Args;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `image mount IMAGE DIR`: a runtime bundle whose rootfs is an overlay mount: the image's layer
 * snapshots as lower directories and a fresh writable snapshot on top, as containerd prepares a
 * container. Nothing is copied. `image unmount DIR` undoes it and drops the writable layer.
 */
final class ImageMountCommand implements BerthVerb {
    private final OptionSpec platform = Args.option(String.class, "<os/arch[/variant]>",
            "platform to mount from an index (default: this machine's)", "--platform");
    private final PositionalParamSpec image = Args.positional(0, "IMAGE", "image name or ID", true);
    private final PositionalParamSpec dir = Args.positional(1, "DIR", "bundle directory", true);

    @Override
    public CommandSpec spec() {
        return Args.command(this, "mount", "make a bundle whose rootfs is an overlay of the image's snapshots")
                .addOption(platform).addPositional(image).addPositional(dir);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        Path bundle = Path.of((String) Args.value(dir));
        context.images().mount(Args.value(image), bundle, BerthContext.platform(Args.value(platform)));
        context.out.println(bundle.resolve("rootfs"));
        return 0;
    }
}
