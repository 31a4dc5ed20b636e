package dev.berth.cli.berth;

import dev.berth.cli.Args;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `image export -o DEST IMAGE...`: an OCI image layout, a directory, or a tar when DEST ends in
 * .tar (what `skopeo copy oci:` / `oci-archive:` and `umoci` read).
 */
final class ImageExportCommand implements BerthVerb {
    private final OptionSpec output = Args.option(Path.class, "DEST", "the layout directory, or FILE.tar",
            "-o", "--output");
    private final PositionalParamSpec images = Args.some(0, "IMAGE", "image names or IDs");

    @Override
    public CommandSpec spec() {
        return Args.command(this, "export", "export images as an OCI image layout (directory or .tar)")
                .addOption(output).addPositional(images);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        Path dest = Args.value(output);
        if (dest == null) {
            throw new IllegalArgumentException("export needs -o DEST (a directory, or a file ending in .tar)");
        }
        context.images().export(Args.values(images), dest);
        return 0;
    }
}
