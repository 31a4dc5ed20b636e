package dev.berth.cli;

import dev.berth.runtime.RuntimeFailure;
import dev.berth.spec.DefaultSpec;
import dev.berth.spec.SpecWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** `spec`: writes a default config.json into the bundle, never over an existing one. */
final class SpecCommand implements Verb {
    private final OptionSpec bundle = Args.option(Path.class, "DIR",
            "path to the root of the bundle directory (default: the current directory)", "-b", "--bundle");
    private final OptionSpec rootless = Args.flag("generate a configuration for a rootless container", "--rootless");

    @Override
    public CommandSpec spec() {
        return Args.command(this, "spec", "create a new specification file").addOption(bundle).addOption(rootless);
    }

    @Override
    public int run(CliContext context) {
        Path dir = Args.value(bundle);
        Path directory = (dir == null ? Path.of("") : dir).toAbsolutePath().normalize();
        Path config = directory.resolve("config.json");
        String json = SpecWriter.write(DefaultSpec.create(Args.isSet(rootless)));
        try {
            // CREATE_NEW is O_EXCL: checking for an existing file and creating it are one step.
            Files.writeString(config, json, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new RuntimeFailure("File config.json exists. Remove it first.");
        } catch (NoSuchFileException e) {
            throw new RuntimeFailure("bundle directory " + directory + " does not exist");
        } catch (IOException e) {
            throw new RuntimeFailure("write " + config + ": " + e.getMessage(), e);
        }
        return 0;
    }
}
