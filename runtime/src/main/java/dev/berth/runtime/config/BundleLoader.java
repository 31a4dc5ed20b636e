package dev.berth.runtime.config;

import dev.berth.runtime.RuntimeFailure;
import dev.berth.spec.Spec;
import dev.berth.spec.SpecException;
import dev.berth.spec.SpecReader;
import dev.berth.spec.SpecValidator;

import java.nio.file.Path;

/** config.json of a bundle -> validated {@link ContainerConfig}; every error names the field. */
public final class BundleLoader {
    private BundleLoader() {
    }

    public static ContainerConfig load(Path bundle, String id) {
        try {
            Spec spec = SpecReader.read(bundle.resolve("config.json"));
            SpecValidator.validate(spec, bundle);
            return SpecConverter.convert(spec, bundle, id);
        } catch (SpecException e) {
            throw new RuntimeFailure(e.getMessage(), e);
        }
    }
}
