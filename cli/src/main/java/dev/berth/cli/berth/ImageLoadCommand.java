package dev.berth.cli.berth;

import dev.berth.cli.Args;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** `image load [-i FILE]` (alias `load`): images from a `docker save` tarball (stdin unless -i). */
final class ImageLoadCommand implements BerthVerb {
    private final OptionSpec input = Args.option(Path.class, "FILE", "read from a file instead of stdin",
            "-i", "--input");
    private final OptionSpec quiet = Args.flag("print nothing", "-q", "--quiet");

    @Override
    public CommandSpec spec() {
        return Args.command(this, "load", "load images from a tar archive (docker save format)")
                .addOption(input).addOption(quiet);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        Path file = Args.value(input);
        try (InputStream in = new BufferedInputStream(file == null ? System.in : Files.newInputStream(file), 1 << 16)) {
            for (String line : context.images().load(in)) {
                if (!Args.isSet(quiet)) {
                    context.out.println(line);
                }
            }
        }
        return 0;
    }
}
