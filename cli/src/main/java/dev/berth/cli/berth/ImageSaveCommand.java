package dev.berth.cli.berth;

import dev.berth.cli.Args;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `image save [-o FILE] IMAGE...` (alias `save`): a `docker save` tarball, which `docker load`
 * and `berth image load` read. To stdout unless -o; refuses to write a tar to a terminal, as docker.
 */
final class ImageSaveCommand implements BerthVerb {
    private final OptionSpec output = Args.option(Path.class, "FILE", "write to a file instead of stdout",
            "-o", "--output");
    private final PositionalParamSpec images = Args.some(0, "IMAGE", "image names or IDs");

    @Override
    public CommandSpec spec() {
        return Args.command(this, "save", "save images to a tar archive (docker save format)")
                .addOption(output).addPositional(images);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        Path file = Args.value(output);
        if (file == null) {
            if (context.terminal()) {
                throw new IllegalArgumentException("refusing to write a tar archive to a terminal; use -o or redirect");
            }
            OutputStream out = new BufferedOutputStream(context.out, 1 << 16);
            context.images().save(Args.values(images), out);
            out.flush();
            return 0;
        }
        // Written next to the target and renamed: a failed save leaves no truncated archive.
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".part");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
                context.images().save(Args.values(images), out);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return 0;
    }
}
