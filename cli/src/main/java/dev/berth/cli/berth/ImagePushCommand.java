package dev.berth.cli.berth;

import dev.berth.cli.Args;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Platform;
import dev.berth.image.registry.BlobKind;
import dev.berth.image.registry.PushListener;
import dev.berth.image.registry.Reference;
import dev.berth.image.service.LocalImage;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `image push NAME[:TAG] [TARGET]` (alias `push`): uploads the image and everything it references.
 * Docker pushes an image under its own name; berth also takes a second name to push to, so an image
 * can be copied to another registry without tagging it first. -a pushes every local tag of the
 * repository NAME, each under its own name.
 */
final class ImagePushCommand implements BerthVerb {
    private final OptionSpec quiet = Args.flag("print only the pushed digest", "-q", "--quiet");
    private final OptionSpec allTags = Args.flag("push every local tag of the repository", "-a", "--all-tags");
    private final PositionalParamSpec name = Args.positional(0, "NAME[:TAG]", "the image to push (name or ID)", true);
    private final PositionalParamSpec target = Args.positional(1, "[TARGET]", "where to push (default: NAME)", false);

    @Override
    public CommandSpec spec() {
        return Args.command(this, "push", "upload an image to a registry").addOption(quiet).addOption(allTags)
                .addPositional(name).addPositional(target);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        String source = Args.value(name);
        ProgressDisplay display = new ProgressDisplay(context.out, context.terminal(), Args.isSet(quiet));
        if (!Args.isSet(allTags)) {
            String destination = Args.value(target) != null ? Args.value(target) : source;
            Reference to = Reference.parse(destination);
            display.message("The push refers to repository [" + Names.familiar(to.name()) + "]");
            pushOne(context, display, source, Args.value(target), to);
            return 0;
        }
        if (Args.value(target) != null || source.contains("@") || !Names.splitTag(source)[1].equals("<none>")) {
            context.err.println("berth: tag can't be used with --all-tags/-a"
                    + (Args.value(target) != null ? " (each tag is pushed under its own name; give no TARGET)" : ""));
            return 2;
        }
        Reference repository = Reference.parse(source);
        List<String> tagged = localTags(context, repository);
        if (tagged.isEmpty()) {
            throw new IOException("An image does not exist locally with the tag: " + Names.familiar(repository.name()));
        }
        display.message("The push refers to repository [" + Names.familiar(repository.name()) + "]");
        for (String each : tagged) {
            pushOne(context, display, each, null, Reference.parse(each));
        }
        return 0;
    }

    /** Every local name of {@code repository} that has a tag, sorted. */
    private static List<String> localTags(BerthContext context, Reference repository) throws IOException {
        Set<String> names = new TreeSet<>();
        for (LocalImage image : context.images().list(Platform.current())) {
            for (String each : image.names()) {
                Reference ref = Reference.parse(each);
                if (ref.name().equals(repository.name()) && ref.tag().isPresent() && ref.digest().isEmpty()) {
                    names.add(each);
                }
            }
        }
        return List.copyOf(names);
    }

    private static void pushOne(BerthContext context, ProgressDisplay display, String source, String target,
                                Reference to) throws IOException {
        Digest pushed = context.images().push(source, target, new Uploads(display));
        display.finish();
        if (display.quiet()) {
            context.out.println(pushed);
        } else {
            display.message(to.tag().orElse(pushed.toString()) + ": digest: " + pushed);
        }
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
