package dev.berth.image.archive;

import dev.berth.image.layer.Decompression;
import dev.berth.image.manifest.Platform;
import dev.berth.image.store.ContentStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** Images to and from {@code docker save} tars, the format {@code docker load} reads. */
public final class DockerArchive {
    private DockerArchive() {
    }

    /**
     * Loads every image of a docker save tar (plain or gzip/zstd compressed, as docker load accepts):
     * the legacy layout ({@code <id>/layer.tar}, {@code <hex>.json}) and Docker 25+'s
     * ({@code blobs/sha256/...} next to an index.json) alike, both through manifest.json, which may
     * be anywhere in the tar. Entries are spooled under the store's {@code ingest/} directory (same
     * file system as the blobs, and collected by the store's owner like other ingests) and removed
     * afterwards. Each layer is stored as archived; a Docker schema 2 manifest is made per image.
     *
     * @return one entry per RepoTag, in manifest.json order; an untagged image gets name ""
     * @throws ArchiveException a missing manifest.json, config or layer, or a layer whose uncompressed
     *     digest is not its config's diff_id; no blob this call added stays in the store
     */
    public static List<NamedImage> load(InputStream tar, ContentStore store) throws IOException {
        AddedBlobs added = new AddedBlobs(store);
        TarSpool spool = null;
        try {
            spool = TarSpool.spool(Decompression.detect(tar), store.root().resolve("ingest"), "docker archive");
            return new DockerArchiveLoader(spool, added).load();
        } catch (IOException | RuntimeException e) {
            added.rollback(e);
            throw e;
        } finally {
            if (spool != null) {
                removeSpool(spool);
            }
        }
    }

    /** A spool that cannot be removed does not undo a load that worked; it is reported instead. */
    private static void removeSpool(TarSpool spool) {
        try {
            spool.close();
        } catch (IOException e) {
            System.getLogger(DockerArchive.class.getName()).log(System.Logger.Level.WARNING,
                    "docker archive: could not remove spool directory {0}: {1}", spool.dir(),
                    java.util.Arrays.toString(e.getSuppressed()));
        }
    }

    /** {@link #save(ContentStore, List, Platform, OutputStream)} for the platform this JVM runs on. */
    public static void save(ContentStore store, List<NamedImage> images, OutputStream out) throws IOException {
        save(store, images, Platform.current(), out);
    }

    /**
     * Writes {@code images} as a docker save tar to {@code out} (left open), in the legacy layout that
     * docker load of Docker 1.10 and later reads. An index is resolved to {@code platform}'s manifest:
     * the format holds one platform per image. Names must be repository:tag (or "" for untagged);
     * names of the same image become one manifest.json entry.
     */
    public static void save(ContentStore store, List<NamedImage> images, Platform platform, OutputStream out)
            throws IOException {
        DockerArchiveWriter writer = new DockerArchiveWriter(store, platform);
        for (NamedImage image : images) {
            writer.add(image);
        }
        writer.write(out);
    }
}
