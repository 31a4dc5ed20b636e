package dev.berth.cli.berth;

import dev.berth.cli.Args;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.registry.BlobKind;
import dev.berth.image.registry.PullListener;
import dev.berth.image.registry.Reference;
import dev.berth.image.service.PulledImage;
import dev.berth.image.service.SnapshotListener;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `image pull NAME[:TAG|@DIGEST]` (alias `pull`): as docker pull, the layers are downloaded in
 * parallel, verified, and unpacked into snapshots, one status line per layer; -q prints only the
 * name. --no-unpack stops after the download (`image unpack` and `image mount` unpack on demand).
 * -a pulls every tag the registry lists for the repository, one after the other, as docker does:
 * the tags pulled before a failing one stay.
 */
final class ImagePullCommand implements BerthVerb {
    private final OptionSpec quiet = Args.flag("print only the image name", "-q", "--quiet");
    private final OptionSpec allTags = Args.flag("download every tagged image of the repository", "-a",
            "--all-tags");
    private final OptionSpec noUnpack = Args.flag("only download; do not unpack layers into snapshots",
            "--no-unpack");
    private final OptionSpec platform = Args.option(String.class, "<os/arch[/variant]>",
            "platform to pull from a multi-platform image (default: this machine's)", "--platform");
    private final PositionalParamSpec name = Args.positional(0, "NAME[:TAG|@DIGEST]", "the image to pull", true);

    @Override
    public CommandSpec spec() {
        return Args.command(this, "pull", "download an image from a registry").addOption(quiet).addOption(allTags)
                .addOption(noUnpack).addOption(platform).addPositional(name);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        String wanted = Args.value(name);
        Reference reference = Reference.parse(wanted);
        ProgressDisplay display = new ProgressDisplay(context.out, context.terminal(), Args.isSet(quiet));
        if (Args.isSet(allTags)) {
            if (wanted.contains("@") || !Names.splitTag(wanted)[1].equals("<none>")) {
                context.err.println("berth: tag can't be used with --all-tags/-a");
                return 2;
            }
            return pullAllTags(context, display, reference);
        }
        if (reference.tag().isPresent() && reference.digest().isEmpty() && !wanted.contains(":" + reference.tag().get())) {
            display.message("Using default tag: " + reference.tag().get());
        }
        PulledImage pulled = pullOne(context, display, reference);
        display.message("Status: " + (pulled.changed() ? "Downloaded newer image for " : "Image is up to date for ")
                + reference.familiar());
        context.out.println(pulled.name());
        return 0;
    }

    /**
     * docker's pull of all tags (moby distribution pullRepository): each tag's lines, then one
     * status for the repository, then the repository's name without a tag.
     */
    private int pullAllTags(BerthContext context, ProgressDisplay display, Reference reference) throws IOException {
        List<String> tags = context.images().listTags(reference.toString());
        if (tags.isEmpty()) {
            throw new IOException("repository " + reference.name() + " has no tags");
        }
        boolean changed = false;
        for (String tag : tags) {
            changed |= pullOne(context, display, reference.withTag(tag)).changed();
        }
        display.message("Status: " + (changed ? "Downloaded newer image for " : "Image is up to date for ")
                + Names.familiar(reference.name()));
        context.out.println(reference.name());
        return 0;
    }

    /** One image's lines: "TAG: Pulling from REPOSITORY", the layers, "Digest: ...". */
    private PulledImage pullOne(BerthContext context, ProgressDisplay display, Reference reference)
            throws IOException {
        // As docker: the repository path without the registry ("library/busybox").
        display.message(reference.tag().orElse(reference.digest().map(Digest::toString).orElse("")) + ": Pulling from "
                + reference.repository());
        PulledImage pulled = context.images().pull(reference.toString(), BerthContext.platform(Args.value(platform)),
                !Args.isSet(noUnpack), new Downloads(display), new Extractions(display));
        display.finish();
        display.message("Digest: " + pulled.image().top().digest());
        return pulled;
    }

    static String shortId(Descriptor d) {
        return d.digest().hex().substring(0, 12);
    }

    /** Layer lines while downloading. Manifests and the config are not shown, as in docker. */
    private record Downloads(ProgressDisplay display) implements PullListener {
        @Override
        public void blobStarted(Descriptor d, BlobKind kind) {
            if (kind == BlobKind.LAYER) {
                display.state(shortId(d), "Pulling fs layer");
            }
        }

        @Override
        public void blobProgress(Descriptor d, long bytesSoFar) {
            if (d.layerType().isPresent()) {
                display.progress(shortId(d), "Downloading", bytesSoFar, d.size());
            }
        }

        @Override
        public void blobDone(Descriptor d, boolean alreadyPresent) {
            if (d.layerType().isPresent()) {
                display.state(shortId(d), alreadyPresent ? "Already exists" : "Download complete");
            }
        }
    }

    private record Extractions(ProgressDisplay display) implements SnapshotListener {
        @Override
        public void extracted(Descriptor layer, boolean existed) {
            display.state(shortId(layer), existed ? "Already exists" : "Pull complete");
        }
    }
}
