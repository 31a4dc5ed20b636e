package dev.berth.cli.berth;

import dev.berth.cli.Args;
import java.io.IOException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** `image tag SOURCE TARGET` (alias `tag`): gives an image one more name. */
final class ImageTagCommand implements BerthVerb {
    private final PositionalParamSpec source = Args.positional(0, "SOURCE_IMAGE[:TAG]", "an image name or ID", true);
    private final PositionalParamSpec target = Args.positional(1, "TARGET_IMAGE[:TAG]", "the new name", true);

    @Override
    public CommandSpec spec() {
        return Args.command(this, "tag", "create a name TARGET_IMAGE that refers to SOURCE_IMAGE")
                .addPositional(source).addPositional(target);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        context.images().tag(Args.value(source), Args.value(target));
        return 0;
    }
}
