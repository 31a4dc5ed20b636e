package dev.berth.image.archive;

import dev.berth.image.layer.Decompression;
import dev.berth.image.layout.OciLayout;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.ManifestException;
import dev.berth.image.manifest.ManifestReader;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Images to and from OCI image layouts (image-spec image-layout.md), as a directory or as a tar of
 * one (what skopeo calls oci-archive and {@code docker save} of Docker 25+ also is):
 * {@code oci-layout}, {@code index.json} naming each image, {@code blobs/<alg>/<hex>}.
 */
public final class OciArchives {
    /** containerd's annotation for the full image name; ref.name only holds the tag (annotations.md). */
    public static final String IMAGE_NAME = "io.containerd.image.name";
    private static final byte[] OCI_LAYOUT = ("{\"imageLayoutVersion\":\"" + OciLayout.IMAGE_LAYOUT_VERSION + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    /** oci-layout is a few bytes; anything big under that name is not one. */
    private static final int MAX_LAYOUT_FILE = 64 << 10;

    private OciArchives() {
    }

    /**
     * Writes {@code images} as a layout directory at {@code dir}, which must not exist or be empty.
     * The layout is assembled in a sibling temporary directory and renamed into place, so a failed
     * export leaves no partial layout.
     */
    public static void export(ContentStore store, List<NamedImage> images, Path dir) throws IOException {
        Plan plan = plan(store, images);
        Path target = dir.toAbsolutePath();
        checkEmptyOrAbsent(target);
        Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".tmp-");
        try {
            // createTempDirectory makes it 0700; the layout is meant to be read by others (skopeo, umoci).
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.write(tmp.resolve("oci-layout"), OCI_LAYOUT);
            Files.write(tmp.resolve("index.json"), plan.indexJson());
            for (Descriptor blob : plan.blobs()) {
                Path file = tmp.resolve("blobs").resolve(blob.digest().algorithm()).resolve(blob.digest().hex());
                Files.createDirectories(file.getParent());
                // A copy, not a hard link: an edit of the exported file must not alter the store.
                Files.copy(store.path(blob.digest()), file);
            }
            // rename(2) replaces an empty directory atomically, and fails if one appeared non-empty.
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp, e);
            throw e;
        }
    }

    /**
     * Streams the same layout as a tar to {@code out} (left open): oci-layout, index.json, the blob
     * directories, then blobs sorted by digest; every header has mtime 0, uid/gid 0 and no owner
     * names, so the bytes depend only on the images. Every blob is checked before the first byte.
     */
    public static void exportTar(ContentStore store, List<NamedImage> images, OutputStream out) throws IOException {
        Plan plan = plan(store, images);
        DeterministicTar tar = new DeterministicTar(out);
        tar.file("oci-layout", OCI_LAYOUT);
        tar.file("index.json", plan.indexJson());
        tar.directory("blobs/");
        Set<String> algorithms = new TreeSet<>();
        plan.blobs().forEach(b -> algorithms.add(b.digest().algorithm()));
        for (String algorithm : algorithms) {
            tar.directory("blobs/" + algorithm + "/");
        }
        for (Descriptor blob : plan.blobs()) {
            Digest d = blob.digest();
            try (InputStream in = store.open(d)) {
                tar.file("blobs/" + d.algorithm() + "/" + d.hex(), blob.size(), in);
            }
        }
        tar.finish();
    }

    /**
     * Imports every image of a layout directory or layout tar (plain or gzip/zstd compressed). Each
     * blob is verified by digest into the store; the names come from {@value #IMAGE_NAME}, else from
     * ref.name, else "". On failure no blob this call added stays in the store.
     */
    public static List<NamedImage> importFrom(Path dirOrTar, ContentStore store) throws IOException {
        List<Descriptor> entries = Files.isDirectory(dirOrTar)
                ? OciLayout.importAll(dirOrTar, store)
                : importTar(dirOrTar, store);
        List<NamedImage> named = new ArrayList<>();
        for (Descriptor d : entries) {
            String refName = d.annotations().getOrDefault(OciLayout.REF_NAME, "");
            String name = d.annotations().getOrDefault(IMAGE_NAME, refName);
            named.add(new NamedImage(name, d));
        }
        return named;
    }

    /** index.json's bytes and the blobs to write, sorted by digest. */
    private record Plan(byte[] indexJson, List<Descriptor> blobs) {
    }

    private static Plan plan(ContentStore store, List<NamedImage> images) throws IOException {
        List<Descriptor> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (NamedImage image : images) {
            if (!image.name().isEmpty() && !names.add(image.name())) {
                throw new ArchiveException("image name '" + image.name() + "' given twice");
            }
            entries.add(indexEntry(image));
        }
        List<Descriptor> roots = images.stream().map(NamedImage::descriptor).toList();
        List<Descriptor> blobs = new ArrayList<>(ImageGraph.reachable(store, roots, "the store").values());
        blobs.sort(Comparator.comparing(b -> b.digest().toString()));
        return new Plan(JsonOut.index(entries), blobs);
    }

    /** The image's descriptor with its name in both annotations (containerd's exporter does the same). */
    private static Descriptor indexEntry(NamedImage image) {
        Descriptor d = image.descriptor();
        if (image.name().isEmpty()) {
            return d;
        }
        Map<String, String> annotations = new HashMap<>(d.annotations());
        annotations.put(IMAGE_NAME, image.name());
        annotations.put(OciLayout.REF_NAME, ImageNames.refName(image.name()));
        return new Descriptor(d.mediaType(), d.digest(), d.size(), d.urls(), annotations, d.platform());
    }

    /**
     * Blob entries go straight from the tar into store ingests (the entry name is the digest they are
     * checked against), so nothing is spooled; index.json is parsed once the whole tar is read, because
     * tar writers put it anywhere. Blobs the tar carried but no image references are removed again.
     */
    private static List<Descriptor> importTar(Path tarFile, ContentStore store) throws IOException {
        AddedBlobs added = new AddedBlobs(store);
        try {
            TarContents contents = readTar(tarFile, added);
            if (contents.layout == null) {
                throw new ArchiveException(tarFile + ": no oci-layout entry (not an OCI layout tar?)");
            }
            OciLayout.checkLayoutVersion(contents.layout, tarFile + ": oci-layout");
            if (contents.index == null) {
                throw new ArchiveException(tarFile + ": no index.json entry");
            }
            List<Descriptor> entries;
            try {
                entries = ManifestReader.readIndex(contents.index).manifests();
            } catch (ManifestException e) {
                throw new ArchiveException(tarFile + ": index.json: " + e.getMessage(), e);
            }
            Set<Digest> needed = ImageGraph.reachable(store, entries, tarFile.toString()).keySet();
            added.retainOnly(needed);
            return entries;
        } catch (IOException | RuntimeException e) {
            added.rollback(e);
            throw e;
        }
    }

    private static final class TarContents {
        byte[] layout;
        byte[] index;
    }

    private static TarContents readTar(Path tarFile, AddedBlobs added) throws IOException {
        TarContents contents = new TarContents();
        try (InputStream raw = Files.newInputStream(tarFile);
             TarInput tar = new TarInput(Decompression.detect(raw), tarFile.toString())) {
            TarArchiveEntry entry;
            while ((entry = tar.next()) != null) {
                if (!entry.isFile()) {
                    continue; // Directories carry nothing; links are not how layouts store blobs.
                }
                String name = ArchivePaths.normalise(entry.getName());
                switch (name) {
                    case "oci-layout" -> contents.layout = readSmall(tar.content(), entry, MAX_LAYOUT_FILE, tarFile);
                    case "index.json" -> contents.index = readSmall(tar.content(), entry, OciLayout.MAX_DOCUMENT_SIZE,
                            tarFile);
                    default -> ingestBlob(name, entry, tar.content(), added, tarFile);
                }
            }
        }
        return contents;
    }

    private static void ingestBlob(String name, TarArchiveEntry entry, InputStream tar, AddedBlobs added, Path tarFile)
            throws IOException {
        String[] parts = name.split("/");
        if (parts.length != 3 || !parts[0].equals("blobs")) {
            return; // e.g. docker save's manifest.json next to the layout: not part of it.
        }
        Digest digest;
        try {
            digest = new Digest(parts[1], parts[2]);
        } catch (IllegalArgumentException notADigest) {
            System.getLogger(OciArchives.class.getName()).log(System.Logger.Level.DEBUG,
                    "{0}: ignoring {1}: not a digest ({2})", tarFile, name, notADigest.getMessage());
            return;
        }
        added.put(digest, entry.getSize(), tar);
    }

    private static byte[] readSmall(InputStream tar, TarArchiveEntry entry, long limit, Path tarFile)
            throws IOException {
        if (entry.getSize() > limit) {
            throw new ArchiveException(tarFile + ": " + entry.getName() + " is " + entry.getSize()
                    + " bytes, over the " + limit + "-byte limit");
        }
        return tar.readAllBytes();
    }

    private static void checkEmptyOrAbsent(Path target) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "exists and is not a directory");
        }
        try (Stream<Path> children = Files.list(target)) {
            if (children.findAny().isPresent()) {
                throw new DirectoryNotEmptyException(target.toString());
            }
        }
    }

    static void deleteTree(Path root, Throwable cause) {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
