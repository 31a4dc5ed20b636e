package dev.berth.cli.berth;

import dev.berth.cli.Args;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.registry.BlobKind;
import dev.berth.image.registry.PushListener;
import dev.berth.image.registry.Reference;
import dev.berth.image.store.Digest;
import java.io.IOException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `image push NAME[:TAG] [TARGET]` (alias `push`): uploads the image and everything it references.
 * Docker pushes an image under its own name; berth also takes a second name to push to, so an image
 * can be copied to another registry without tagging it first.
 */
final class ImagePushCommand implements BerthVerb {
    private final OptionSpec quiet = Args.flag("print only the pushed digest", "-q", "--quiet");
    private final PositionalParamSpec name = Args.positional(0, "NAME[:TAG]", "the image to push (name or ID)", true);
    private final PositionalParamSpec target = Args.positional(1, "[TARGET]", "where to push (default: NAME)", false);

    @Override
    public CommandSpec spec() {
        return Args.command(this, "push", "upload an image to a registry").addOption(quiet)
                .addPositional(name).addPositional(target);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        String destination = Args.value(target) != null ? Args.value(target) : Args.value(name);
        Reference to = Reference.parse(destination);
        ProgressDisplay display = new ProgressDisplay(context.out, context.terminal(), Args.isSet(quiet));
        display.message("The push refers to repository [" + Names.familiar(to.registry() + "/" + to.repository()) + "]");
        Digest pushed = context.images().push(Args.value(name), Args.value(target), new Uploads(display));
        display.finish();
        if (Args.isSet(quiet)) {
            context.out.println(pushed);
        } else {
            display.message(to.tag().orElse(pushed.toString()) + ": digest: " + pushed);
        }
        return 0;
    }

    private record Uploads(ProgressDisplay display) implements PushListener {
        @Override
        public void blobStarted(Descriptor d, BlobKind kind) {
            if (kind == BlobKind.LAYER) {
                display.state(ImagePullCommand.shortId(d), "Preparing");
            }
        }

        @Override
        public void blobDone(Descriptor d, BlobKind kind, Outcome outcome) {
            if (kind == BlobKind.LAYER) {
                display.state(ImagePullCommand.shortId(d), switch (outcome) {
                    case EXISTED -> "Layer already exists";
                    case MOUNTED -> "Mounted from another repository";
                    case UPLOADED -> "Pushed";
                });
            }
        }
    }
}
