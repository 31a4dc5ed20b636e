package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.spec.Spec;
import dev.berth.spec.SpecException;
import dev.berth.spec.SpecReader;
import dev.berth.spec.SpecValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads a written config.json back with the spec module and checks it as `create` would. */
final class SpecFiles {
    private SpecFiles() {
    }

    static Spec assertValid(Path configJson) throws IOException {
        Path bundle = configJson.getParent();
        try {
            Spec spec = SpecReader.read(configJson);
            // root.path ("rootfs") must exist for the validator, as it must for create.
            Files.createDirectories(bundle.resolve(spec.root().path()));
            assertEquals(List.of(), SpecValidator.problems(spec, bundle), "problems of " + configJson);
            return spec;
        } catch (SpecException e) {
            throw new AssertionError(configJson + " does not read back: " + e.getMessage(), e);
        }
    }
}
