package dev.berth.cli.berth;

import dev.berth.cli.Args;
import dev.berth.image.service.PruneReport;
import java.io.IOException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * `image prune`: garbage collection. Blobs and snapshots that no image name reaches are deleted
 * (snapshots under a mounted bundle stay), as are stale downloads in the ingest area.
 */
final class ImagePruneCommand implements BerthVerb {
    @Override
    public CommandSpec spec() {
        return Args.command(this, "prune", "remove content and snapshots no image refers to");
    }

    @Override
    public int run(BerthContext context) throws IOException {
        PruneReport report = context.images().prune();
        for (var digest : report.removedBlobs()) {
            context.out.println("deleted: " + digest);
        }
        for (String snapshot : report.removedSnapshots()) {
            context.out.println("deleted snapshot: " + snapshot);
        }
        context.out.println("Total reclaimed space: " + Sizes.human(report.bytesFreed()));
        return 0;
    }
}
