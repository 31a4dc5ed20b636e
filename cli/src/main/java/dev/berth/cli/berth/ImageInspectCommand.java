package dev.berth.cli.berth;

import dev.berth.cli.Args;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `image inspect IMAGE...`: a JSON array with one object per image, in the shape of
 * {@code docker image inspect} (Id, RepoTags, RepoDigests, Created, Architecture, Os, Size, Config,
 * RootFS) plus what berth knows besides (the manifest, its layers as stored).
 */
final class ImageInspectCommand implements BerthVerb {
    private final OptionSpec platform = Args.option(String.class, "<os/arch[/variant]>",
            "platform to show an index's image for (default: this machine's)", "--platform");
    private final PositionalParamSpec images = Args.some(0, "IMAGE", "image names or IDs");

    @Override
    public CommandSpec spec() {
        return Args.command(this, "inspect", "show the details of images as JSON").addOption(platform)
                .addPositional(images);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        List<String> wanted = Args.values(images);
        context.out.println(context.images().inspectJson(wanted, BerthContext.platform(Args.value(platform))));
        return 0;
    }
}
