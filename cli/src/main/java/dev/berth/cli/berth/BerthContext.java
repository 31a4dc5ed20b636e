package dev.berth.cli.berth;

import dev.berth.image.manifest.Platform;
import dev.berth.image.service.ImageService;
import dev.berth.image.service.RegistryOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What every verb of {@code bin/berth} shares: the output streams, the global options and the image
 * service, opened on first use so that {@code --help} touches no files.
 */
final class BerthContext {
    /** Where berth keeps images (content, names, snapshots) unless --root or BERTH_ROOT says otherwise. */
    static final Path DEFAULT_ROOT = Path.of("/var/lib/berth");

    final InputStream in;
    final PrintStream out;
    final PrintStream err;
    private final boolean terminal;
    private Path root = DEFAULT_ROOT;
    private List<String> insecureRegistries = List.of();
    private Path dockerConfig;
    private ImageService images;

    BerthContext(InputStream in, PrintStream out, PrintStream err, boolean terminal) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        String fromEnvironment = System.getenv("BERTH_ROOT");
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            root = Path.of(fromEnvironment);
        }
    }

    void root(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    void insecureRegistries(List<String> hosts) {
        this.insecureRegistries = List.copyOf(hosts);
    }

    /** docker's --config: the directory holding config.json, instead of $DOCKER_CONFIG or ~/.docker. */
    void dockerConfigDirectory(Path dir) {
        this.dockerConfig = dir.resolve("config.json");
    }

    RegistryOptions registryOptions() {
        return new RegistryOptions(Set.copyOf(insecureRegistries), dockerConfig);
    }

    /** True when stdout is a terminal: progress is then redrawn in place, else printed line by line. */
    boolean terminal() {
        return terminal;
    }

    ImageService images() throws IOException {
        if (images == null) {
            images = ImageService.open(root, registryOptions());
        }
        return images;
    }

    /** The platform named by a --platform value, or this machine's. */
    static Platform platform(String value) {
        return value == null || value.isEmpty() ? Platform.current() : Platform.parse(value);
    }
}
