package dev.berth.cli.berth;

import dev.berth.cli.Args;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `image import SOURCE [NAME]`: an OCI image layout (directory or tar) keeps the names it carries
 * (NAME overrides when it holds one image); any other tar is a root filesystem and becomes a
 * one-layer image, as `docker import` makes one, with `--change 'CMD ...'` / `'LABEL k=v'`.
 */
final class ImageImportCommand implements BerthVerb {
    private final OptionSpec changes = Args.repeatable(String.class, "INSTRUCTION",
            "for a root filesystem: a Dockerfile instruction for the config (CMD or LABEL)", "-c", "--change");
    private final PositionalParamSpec source = Args.positional(0, "SOURCE",
            "an OCI layout directory, an OCI layout tar, or a root filesystem tar", true);
    private final PositionalParamSpec name = Args.positional(1, "[REPOSITORY[:TAG]]", "name for the image", false);

    @Override
    public CommandSpec spec() {
        return Args.command(this, "import", "import an OCI image layout or a root filesystem tarball")
                .addOption(changes).addPositional(source).addPositional(name);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        List<String> cmd = List.of();
        Map<String, String> labels = new LinkedHashMap<>();
        for (String change : Args.<String>values(changes)) {
            String[] parts = change.strip().split("\\s+", 2);
            String argument = parts.length > 1 ? parts[1] : "";
            switch (parts[0].toUpperCase(java.util.Locale.ROOT)) {
                case "CMD" -> cmd = Dockerfile.command(argument);
                case "LABEL" -> labels.putAll(Dockerfile.labels(argument));
                default -> throw new IllegalArgumentException("--change '" + change
                        + "': only CMD and LABEL are supported");
            }
        }
        for (String line : context.images().importImage(Path.of((String) Args.value(source)), Args.value(name),
                cmd, labels)) {
            context.out.println(line);
        }
        return 0;
    }
}
