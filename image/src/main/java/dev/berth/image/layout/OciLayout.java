package dev.berth.image.layout;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Index;
import dev.berth.image.manifest.Manifest;
import dev.berth.image.manifest.ManifestException;
import dev.berth.image.manifest.ManifestReader;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.manifest.StoredDocuments;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import dev.berth.image.store.Ingest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Imports an OCI image layout directory (image-layout.md: {@code oci-layout}, {@code index.json},
 * {@code blobs/<alg>/<hex>}) into a {@link ContentStore}. Every blob goes through an {@link Ingest},
 * so it is checked against its descriptor's digest and size before it becomes visible; a manifest or
 * index is only parsed after its bytes were verified, so an unverified document never decides which
 * further files are read.
 */
public final class OciLayout {
    /** image-layout.md: the only version defined so far. */
    public static final String IMAGE_LAYOUT_VERSION = "1.0.0";
    /** annotations.md: the name an index.json entry is known by (a tag, usually). */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    /**
     * Manifests and indexes are read into memory; containerd caps them at 4 MiB for the same reason:
     * a descriptor claiming a huge "manifest" must not exhaust the heap.
     */
    public static final long MAX_DOCUMENT_SIZE = StoredDocuments.MAX_SIZE;

    private final Path layoutDir;
    private final ContentStore store;
    /** Blobs this import published: a failed import removes exactly these, older blobs stay. */
    private final Set<Digest> added = new LinkedHashSet<>();

    private OciLayout(Path layoutDir, ContentStore store) {
        this.layoutDir = layoutDir;
        this.store = store;
    }

    /**
     * Copies the image named {@code refName} (or the only image, when {@code refName} is null) with
     * all its blobs into {@code store}. On failure no blob this call added stays in the store.
     *
     * @return the index.json entry that was imported (a manifest or an index descriptor)
     * @throws LayoutException  bad oci-layout / index.json, no such ref, or a blob is missing
     * @throws dev.berth.image.store.ContentException a blob does not match its digest or size
     */
    public static Descriptor importInto(Path layoutDir, ContentStore store, String refName) throws IOException {
        Index index = readLayoutIndex(layoutDir);
        Descriptor chosen = choose(index, refName, layoutDir.resolve("index.json"));
        new OciLayout(layoutDir, store).copyAll(List.of(chosen));
        return chosen;
    }

    /**
     * Copies every image that index.json lists, with all their blobs, into {@code store}. On failure
     * no blob this call added stays in the store.
     *
     * @return the index.json entries, in file order, with their annotations (the names)
     */
    public static List<Descriptor> importAll(Path layoutDir, ContentStore store) throws IOException {
        Index index = readLayoutIndex(layoutDir);
        new OciLayout(layoutDir, store).copyAll(index.manifests());
        return index.manifests();
    }

    /**
     * Checks the {@code oci-layout} file's content: image-layout.md requires it, and a version other
     * than {@value #IMAGE_LAYOUT_VERSION} may lay blobs out differently.
     */
    public static void checkLayoutVersion(byte[] content, String source) throws IOException {
        String version = null;
        try (JsonParser p = new JsonFactory().createParser(content)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new LayoutException(source + ": expected a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("imageLayoutVersion") && value == JsonToken.VALUE_STRING) {
                    version = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new LayoutException(source + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
        if (!IMAGE_LAYOUT_VERSION.equals(version)) {
            throw new LayoutException(source + ": field 'imageLayoutVersion' is "
                    + (version == null ? "missing" : "'" + version + "'") + ", expected '"
                    + IMAGE_LAYOUT_VERSION + "'");
        }
    }

    private static Index readLayoutIndex(Path layoutDir) throws IOException {
        Path layoutFile = layoutDir.resolve("oci-layout");
        checkLayoutVersion(readFile(layoutFile), layoutFile.toString());
        Path indexFile = layoutDir.resolve("index.json");
        try {
            return ManifestReader.readIndex(readFile(indexFile));
        } catch (ManifestException e) {
            throw new LayoutException(indexFile + ": " + e.getMessage(), e);
        }
    }

    private void copyAll(List<Descriptor> roots) throws IOException {
        try {
            for (Descriptor root : roots) {
                copy(root);
            }
        } catch (IOException | RuntimeException e) {
            for (Digest d : added) {
                try {
                    Files.deleteIfExists(store.path(d));
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    static Descriptor choose(Index index, String refName, Path indexFile) throws LayoutException {
        List<Descriptor> all = index.manifests();
        if (refName == null) {
            if (all.size() != 1) {
                throw new LayoutException(indexFile + ": holds " + all.size()
                        + " manifests, name one with a ref; refs: " + refNames(all));
            }
            return all.getFirst();
        }
        List<Descriptor> named = all.stream().filter(d -> refName.equals(d.annotations().get(REF_NAME))).toList();
        if (named.size() != 1) {
            throw new LayoutException(indexFile + ": " + (named.isEmpty() ? "no" : named.size())
                    + " manifests with annotation " + REF_NAME + "=" + refName + "; refs: " + refNames(all));
        }
        return named.getFirst();
    }

    private static String refNames(List<Descriptor> all) {
        String names = all.stream().map(d -> d.annotations().get(REF_NAME)).filter(n -> n != null)
                .collect(Collectors.joining(", "));
        return names.isEmpty() ? "(none)" : names;
    }

    /** Copies {@code d} and, for a manifest or index, everything it references (depth first). */
    private void copy(Descriptor d) throws IOException {
        if (MediaTypes.isIndex(d.mediaType())) {
            Index child = parse(d, ManifestReader::readIndex);
            for (Descriptor m : child.manifests()) {
                copy(m);
            }
        } else if (MediaTypes.isManifest(d.mediaType())) {
            Manifest manifest = parse(d, ManifestReader::readManifest);
            copyBlob(manifest.config());
            for (Descriptor layer : manifest.layers()) {
                copyBlob(layer);
            }
        } else {
            copyBlob(d);
        }
    }

    /** Verifies the document into the store first, then parses the store's (verified) copy. */
    private <T> T parse(Descriptor d, java.util.function.Function<byte[], T> reader) throws IOException {
        if (d.size() > MAX_DOCUMENT_SIZE) {
            // Checked before copying too: an oversized "manifest" is not worth storing.
            StoredDocuments.read(store, d, LayoutException::new);
        }
        copyBlob(d);
        return StoredDocuments.parse(store, d, reader, LayoutException::new);
    }

    private void copyBlob(Descriptor d) throws IOException {
        Digest digest = d.digest();
        if (store.contains(digest)) {
            // Already verified when it was published; blobs are immutable. The size is still the
            // descriptor's claim, and a wrong one would break a later push of this image.
            long actual = store.size(digest);
            if (actual != d.size()) {
                throw new LayoutException(digest + ": descriptor (" + d.mediaType() + ") says " + d.size()
                        + " bytes, the blob has " + actual);
            }
            return;
        }
        Path source = layoutDir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
        // Closing an uncommitted Ingest deletes its file, so a failed copy leaves nothing behind.
        try (InputStream in = openBlob(source, d); Ingest ingest = store.begin(digest, d.size())) {
            in.transferTo(ingest);
            ingest.commit();
        }
        added.add(digest);
    }

    private static InputStream openBlob(Path source, Descriptor d) throws IOException {
        try {
            return Files.newInputStream(source);
        } catch (NoSuchFileException e) {
            throw new LayoutException(d.digest() + ": blob " + source + " (" + d.mediaType()
                    + ") missing from the layout", e);
        }
    }

    private static byte[] readFile(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new LayoutException(file + ": missing (not an OCI image layout?)", e);
        }
    }
}
