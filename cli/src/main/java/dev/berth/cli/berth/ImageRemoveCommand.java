package dev.berth.cli.berth;

import dev.berth.cli.Args;
import java.io.IOException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `image rm IMAGE...` (alias `rmi`): removes names; content no name reaches any more is deleted
 * (blobs and snapshots), as `docker rmi` does, unless --no-prune (then `image prune` deletes it
 * later). An ID with several names needs --force.
 */
final class ImageRemoveCommand implements BerthVerb {
    private final OptionSpec force = Args.flag("remove every name of an image given by ID", "-f", "--force");
    private final OptionSpec noPrune = Args.flag("only remove the names; keep the content they held", "--no-prune");
    private final PositionalParamSpec images = Args.some(0, "IMAGE", "image names or IDs");

    @Override
    public CommandSpec spec() {
        return Args.command(this, "rm", "remove images").addOption(force).addOption(noPrune).addPositional(images);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        int failures = 0;
        for (String image : Args.<String>values(images)) {
            try {
                for (String line : context.images().remove(image, Args.isSet(force), !Args.isSet(noPrune))) {
                    context.out.println(line);
                }
            } catch (IOException | RuntimeException e) {
                // Like docker rmi: report each image that could not be removed and carry on.
                context.err.println("berth: " + e.getMessage());
                failures++;
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
