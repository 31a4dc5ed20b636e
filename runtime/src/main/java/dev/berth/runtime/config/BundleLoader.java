package dev.berth.runtime.config;

import dev.berth.runtime.RuntimeFailure;
import dev.berth.spec.Spec;
import dev.berth.spec.SpecException;
import dev.berth.spec.SpecReader;
import dev.berth.spec.SpecValidator;

import java.nio.file.Path;
import java.util.List;

/** config.json of a bundle -> validated {@link ContainerConfig}; every error names the field. */
public final class BundleLoader {
    private BundleLoader() {
    }

    /** The process of `exec`, validated and converted like the container's own. */
    public static ProcessConfig execProcess(dev.berth.spec.Process process) {
        try {
            return SpecConverter.convertProcess(process);
        } catch (SpecException e) {
            throw new RuntimeFailure(e.getMessage(), e);
        }
    }

    /** The container's seccomp profile compiled for an exec'd process, or null. */
    public static dev.berth.runtime.seccomp.SeccompProgram execSeccomp(dev.berth.spec.Seccomp profile) {
        try {
            return SpecConverter.compileSeccomp(profile);
        } catch (SpecException e) {
            throw new RuntimeFailure(e.getMessage(), e);
        }
    }

    /**
     * The container's linux.personality for a process exec'd into it: runc's setns init applies it
     * too, and uname(2) in an exec'd shell must say what it says in the container's first process.
     */
    public static ContainerConfig.Personality execPersonality(dev.berth.spec.Linux.Personality personality) {
        List<String> problems = new java.util.ArrayList<>();
        ContainerConfig.Personality result = ProcessDetails.personality(personality, problems);
        if (!problems.isEmpty()) {
            throw new RuntimeFailure(String.join("; ", problems));
        }
        return result;
    }

    /** The spec as the container was created from it (a copy kept in the state directory). */
    public static Spec readSpec(Path configJson) {
        try {
            return SpecReader.read(configJson);
        } catch (SpecException e) {
            throw new RuntimeFailure(e.getMessage(), e);
        }
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
