package dev.berth.image.registry;

import dev.berth.image.registry.RegistryCerts.ClientIdentity;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Per-registry TLS material in docker's and podman's layout: {@code <root>/<registry>/} where
 * {@code <registry>} is the registry exactly as written in references, port included ("the port
 * part presence / absence must precisely match", containers-certs.d(5)). In it, as docker's
 * "Verify repository client with certificates" describes:
 * <ul>
 *   <li>{@code *.crt}: CA certificates, trusted for this registry in addition to the default CAs;</li>
 *   <li>{@code NAME.cert} + {@code NAME.key}: a client certificate and its key. One without the
 *       other is an error, as in docker (which says CA certificates must use .crt), because a
 *       silently ignored half pair only surfaces later as an opaque handshake failure.</li>
 * </ul>
 * Every root is read and the results are merged (podman stops at the first root that has a
 * directory for the registry; merging is a superset of that and order-independent). Other files
 * and subdirectories are ignored; files are taken in name order.
 */
final class CertsDirectories {
    /** docker's, then podman's system-wide location. */
    static final List<Path> DEFAULT_ROOTS = List.of(Path.of("/etc/docker/certs.d"), Path.of("/etc/containers/certs.d"));

    private final List<Path> roots;

    CertsDirectories(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    List<Path> roots() {
        return roots;
    }

    /** Where certificates for {@code registry} would be looked for, existing or not. */
    List<Path> directoriesFor(String registry) {
        if (!isDirectoryName(registry)) {
            return List.of();
        }
        return roots.stream().map(root -> root.resolve(registry)).toList();
    }

    /** "a or b", for messages that tell where to put a file. */
    String describeDirectoriesFor(String registry) {
        return directoriesFor(registry).stream().map(Path::toString).collect(Collectors.joining(" or "));
    }

    /**
     * Reads what the roots hold for {@code registry}. Missing directories are normal (most
     * registries have none); an unreadable or malformed file is an error naming it.
     */
    RegistryCerts load(String registry) throws IOException {
        List<Path> caFiles = new ArrayList<>();
        List<X509Certificate> authorities = new ArrayList<>();
        List<ClientIdentity> identities = new ArrayList<>();
        for (Path dir : directoriesFor(registry)) {
            for (Path file : files(dir)) {
                String name = file.getFileName().toString();
                if (name.endsWith(".crt")) {
                    authorities.addAll(PemFiles.certificates(file));
                    caFiles.add(file);
                } else if (name.endsWith(".cert")) {
                    identities.add(identity(file, sibling(file, ".cert", ".key")));
                } else if (name.endsWith(".key") && !Files.exists(sibling(file, ".key", ".cert"))) {
                    throw new IOException(file + ": client key without its certificate "
                            + sibling(file, ".key", ".cert").getFileName() + " (certs.d of registry " + registry + ")");
                }
            }
        }
        return new RegistryCerts(registry, caFiles, authorities, identities);
    }

    private static ClientIdentity identity(Path certFile, Path keyFile) throws IOException {
        if (!Files.exists(keyFile)) {
            throw new IOException(certFile + ": client certificate without its key " + keyFile.getFileName()
                    + " (CA certificates must use the extension .crt)");
        }
        List<X509Certificate> chain = PemFiles.certificates(certFile);
        PrivateKey key = PemFiles.privateKey(keyFile, chain.getFirst(), certFile);
        return new ClientIdentity(certFile, keyFile, chain, key);
    }

    /** The regular files of {@code dir} in name order; none when it does not exist. */
    private static List<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (Files.isRegularFile(p)) { // follows symlinks, as cert bundles are often linked in
                    files.add(p);
                }
            }
        } catch (NoSuchFileException removedMeanwhile) {
            return List.of();
        } catch (IOException e) {
            throw new IOException("reading certificate directory " + dir + ": " + e, e);
        }
        files.sort(null);
        return files;
    }

    private static Path sibling(Path file, String suffix, String replacement) {
        String name = file.getFileName().toString();
        return file.resolveSibling(name.substring(0, name.length() - suffix.length()) + replacement);
    }

    /**
     * Registry names come from parsed references, but this class must never resolve a path outside
     * its roots whatever it is given.
     */
    private static boolean isDirectoryName(String registry) {
        return registry != null && !registry.isEmpty() && !registry.contains("/") && !registry.contains("\0")
                && !registry.equals(".") && !registry.equals("..");
    }
}
