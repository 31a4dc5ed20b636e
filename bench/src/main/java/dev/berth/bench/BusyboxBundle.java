package dev.berth.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one OCI bundle every runtime in the benchmark runs: Debian's static busybox as the root
 * filesystem (every applet a symlink to it) and {@code config.json}, copied byte for byte from
 * this package's resource so that berth, runc and crun all read the very same file. The config is
 * `runc spec` (runc 1.1.5) with {@code terminal: false} and {@code args: ["true"]}: pid, network,
 * ipc, uts and mount namespaces, runc's default mounts, a read-only root. Its {@code ambient}
 * capabilities are left out: without them in the inheritable set PR_CAP_AMBIENT_RAISE fails with
 * EPERM (prctl(2)); runc and crun carry on regardless, berth reports the error and stops.
 *
 * <p>{@code java -cp benchmarks.jar dev.berth.bench.BusyboxBundle DIR} writes it for
 * scripts/bench-runtime.
 */
public final class BusyboxBundle {
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    static final String CONFIG_RESOURCE = "config.json";

    private BusyboxBundle() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: BusyboxBundle DIR   (writes DIR/config.json and DIR/rootfs)");
            System.exit(2);
        }
        create(Path.of(args[0]));
    }

    /** Writes the bundle into {@code dir} (created; must not hold a bundle already) and returns it. */
    public static Path create(Path dir) {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IllegalStateException("the benchmark needs Debian's busybox-static at " + BUSYBOX
                    + " (apt-get install busybox-static)");
        }
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("config.json"), configBytes());
            buildRootfs(dir.resolve("rootfs"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("write bundle " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The shared config.json, exactly as every runtime reads it. */
    static byte[] configBytes() throws IOException {
        try (InputStream in = BusyboxBundle.class.getResourceAsStream(CONFIG_RESOURCE)) {
            if (in == null) {
                throw new IOException("resource dev/berth/bench/" + CONFIG_RESOURCE + " missing from the class path");
            }
            return in.readAllBytes();
        }
    }

    private static void buildRootfs(Path rootfs) throws IOException {
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        for (String applet : applets()) {
            Path link = bin.resolve(applet);
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of("busybox"));
            }
        }
        // The root is mounted read-only, so every mount point must exist beforehand: runtimes
        // cannot mkdir /proc or /sys in it (/dev's children live on the /dev tmpfs).
        for (String dir : List.of("proc", "sys", "dev", "tmp", "etc", "root", "usr")) {
            Files.createDirectories(rootfs.resolve(dir));
        }
        Files.createSymbolicLink(rootfs.resolve("usr/bin"), Path.of("../bin"));
        Files.createSymbolicLink(rootfs.resolve("sbin"), Path.of("bin"));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\n");
    }

    /** The applet names `busybox --list` prints, one a line. */
    private static List<String> applets() throws IOException {
        Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").redirectErrorStream(true).start();
        String out = new String(list.getInputStream().readAllBytes());
        try {
            if (list.waitFor() != 0) {
                throw new IOException(BUSYBOX + " --list exited with " + list.exitValue() + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + BUSYBOX + " --list", e);
        }
        return out.lines().filter(s -> !s.isBlank() && !s.contains("/")).toList();
    }

    /** Removes {@code dir} and everything under it, never following symlinks out of it. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
