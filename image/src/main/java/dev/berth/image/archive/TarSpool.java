package dev.berth.image.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * A tar's regular files copied to a private temporary directory, for formats whose index may come
 * last (docker save's manifest.json). Entries are stored under generated names, never under their
 * tar names, so no entry name can reach outside the directory; the tar names are only map keys.
 * Symbolic and hard links are remembered and followed on lookup, confined to the archive: skopeo's
 * docker-archive writer, for one, links the legacy {@code <id>/layer.tar} paths to shared files.
 */
final class TarSpool implements Closeable {
    /** Linux gives up on a path after 40 links (path_resolution(7)); so does this. */
    private static final int MAX_LINK_HOPS = 40;
    private final Path dir;
    private final Map<String, Path> files = new HashMap<>();
    private final Map<String, String> links = new HashMap<>();
    private int spooled;

    private TarSpool(Path dir) {
        this.dir = dir;
    }

    /** Spools all of {@code tar} into a new directory under {@code parent}; removed again on failure. */
    static TarSpool spool(InputStream tar, Path parent, String what) throws IOException {
        TarSpool spool = new TarSpool(Files.createTempDirectory(parent, "spool-"));
        try {
            spool.read(tar, what);
            return spool;
        } catch (IOException | RuntimeException e) {
            OciArchives.deleteTree(spool.dir, e);
            throw e;
        }
    }

    Path dir() {
        return dir;
    }

    /** The spooled file an archive path names, links followed. */
    Optional<Path> file(String name) throws ArchiveException {
        return Optional.ofNullable(files.get(resolve(ArchivePaths.inScope(name), 0)));
    }

    @Override
    public void close() throws IOException {
        IOException failure = new IOException("removing spool directory " + dir);
        OciArchives.deleteTree(dir, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private void read(InputStream in, String what) throws IOException {
        TarInput tar = new TarInput(in, what); // not closed: the caller owns the stream
        TarArchiveEntry entry;
        while ((entry = tar.next()) != null) {
            String name = ArchivePaths.normalise(entry.getName());
            if (entry.isSymbolicLink()) {
                String target = entry.getLinkName();
                // A relative target is resolved from the link's directory, an absolute one from the
                // archive root: the archive is the root it is confined to.
                String base = target.startsWith("/") ? "" : ArchivePaths.parent(name) + "/";
                links.put(name, ArchivePaths.inScope(base + target));
            } else if (entry.isLink()) {
                links.put(name, ArchivePaths.inScope(entry.getLinkName()));
            } else if (entry.isFile()) {
                // Later entries replace earlier ones of the same name, as tar extraction does.
                Path file = dir.resolve("entry-" + spooled++);
                Files.copy(tar.content(), file);
                Path replaced = files.put(name, file);
                if (replaced != null) {
                    Files.delete(replaced);
                }
                links.remove(name);
            }
        }
    }

    /** Replaces the longest linked prefix of {@code name} by its target, repeatedly. */
    private String resolve(String name, int hops) throws ArchiveException {
        if (hops > MAX_LINK_HOPS) {
            throw new ArchiveException("tar entry '" + name + "': more than " + MAX_LINK_HOPS + " links deep");
        }
        String prefix = name;
        while (!prefix.isEmpty()) {
            String target = links.get(prefix);
            if (target != null) {
                String rest = name.substring(prefix.length());
                return resolve(ArchivePaths.inScope(target + rest), hops + 1);
            }
            prefix = ArchivePaths.parent(prefix);
        }
        return name;
    }
}
