package dev.berth.image.service;

import dev.berth.image.archive.DockerArchive;
import dev.berth.image.archive.ImageGraph;
import dev.berth.image.archive.NamedImage;
import dev.berth.image.archive.OciArchives;
import dev.berth.image.archive.RootfsImport;
import dev.berth.image.layer.Decompression;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Platform;
import dev.berth.image.names.ImageRecord;
import dev.berth.image.registry.Reference;
import dev.berth.image.store.Digest;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Images in and out without a registry: docker save/load tarballs, OCI image layouts (directory or
 * tar), and root filesystem tarballs as {@code docker import} takes them. The archive package does
 * the formats; this class maps between archive names and berth's names.
 */
final class ImageArchives {
    private final ImageService images;

    ImageArchives(ImageService images) {
        this.images = images;
    }

    /** A docker save tar of {@code namesOrIds}; an ID stands for every name of its image. */
    void save(List<String> namesOrIds, OutputStream out) throws IOException {
        DockerArchive.save(images.content(), named(namesOrIds, true), out);
    }

    /** Loads a docker save tar; returns docker load's lines ("Loaded image: NAME"). */
    List<String> load(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        for (NamedImage loaded : DockerArchive.load(in, images.content())) {
            lines.add(record(loaded.name(), loaded.descriptor()));
        }
        return lines;
    }

    /**
     * An OCI image layout (directory, or tar containing {@code oci-layout}) keeps its names; any
     * other tar is a root filesystem made into a one-layer image.
     */
    List<String> importImage(Path source, String name, List<String> cmd, Map<String, String> labels)
            throws IOException {
        if (Files.isDirectory(source) || isOciLayoutTar(source)) {
            return importLayout(source, name);
        }
        if (name != null && !name.isEmpty()) {
            Reference.parse(name); // refuse a malformed NAME before any blob is stored
        }
        Platform here = Platform.current();
        Descriptor created;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(source), 1 << 16)) {
            created = RootfsImport.create(in, images.content(),
                    new RootfsImport.Options(here.os(), here.architecture(), cmd, labels, Instant.now()));
        }
        return List.of(record(name == null ? "" : name, created));
    }

    /**
     * Every name is settled before the first is recorded, so a layout that cannot be named records
     * none; the blobs the import added are then taken out again (those present before stay: other
     * images may use them), so a refused import leaves the store as it was.
     */
    private List<String> importLayout(Path source, String name) throws IOException {
        Set<Digest> before = images.content().list();
        List<NamedImage> found = OciArchives.importFrom(source, images.content());
        List<String> names = new ArrayList<>();
        try {
            if (name != null && found.size() != 1) {
                throw new ImageException(source + ": holds " + found.size() + " images; a NAME fits only one");
            }
            for (NamedImage image : found) {
                String chosen = name != null ? name : layoutName(source, image.name());
                if (!chosen.isEmpty()) {
                    Reference.parse(chosen); // a malformed NAME is refused here, before anything is named
                }
                names.add(chosen);
            }
        } catch (ImageException | IllegalArgumentException e) {
            removeAdded(found, before, e);
            throw e;
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            lines.add(record(names.get(i), found.get(i).descriptor()));
        }
        return lines;
    }

    /** Deletes the blobs of {@code found} that were not in the store {@code before}; failures go to {@code cause}. */
    private void removeAdded(List<NamedImage> found, Set<Digest> before, Exception cause) {
        try {
            List<Descriptor> roots = found.stream().map(NamedImage::descriptor).toList();
            for (Digest d : ImageGraph.reachable(images.content(), roots, "the import").keySet()) {
                if (!before.contains(d) && images.content().contains(d)) {
                    images.content().delete(d);
                }
            }
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** An OCI image layout of {@code namesOrIds}: a directory, or a tar when {@code dest} ends in .tar. */
    void export(List<String> namesOrIds, Path dest) throws IOException {
        List<NamedImage> named = named(namesOrIds, false);
        if (!dest.getFileName().toString().endsWith(".tar")) {
            OciArchives.export(images.content(), named, dest);
            return;
        }
        Path parent = dest.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(parent, "." + dest.getFileName(), ".part");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
                OciArchives.exportTar(images.content(), named, out);
            }
            Files.move(temp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The archive names of what the arguments denote: familiar ones for docker save, full ones for OCI. */
    private List<NamedImage> named(List<String> namesOrIds, boolean familiar) throws IOException {
        List<NamedImage> named = new ArrayList<>();
        for (String nameOrId : namesOrIds) {
            ImageRecord record = images.resolver().byName(nameOrId);
            List<String> names;
            Descriptor top;
            if (record != null) {
                names = List.of(record.name());
                top = record.target();
            } else {
                LocalImage image = images.find(nameOrId, Platform.current());
                names = image.names().isEmpty() ? List.of("") : image.names();
                top = image.top();
            }
            for (String name : names) {
                String shown = name.isEmpty() || !familiar ? name : Reference.parse(name).familiar();
                named.add(new NamedImage(shown, top));
            }
        }
        return named;
    }

    /** Names an imported image (if it has a name) and returns the line reporting it. */
    private String record(String name, Descriptor top) throws IOException {
        if (name.isEmpty()) {
            return "Loaded image ID: " + images.resolver().load(top, Platform.current()).id();
        }
        Reference reference = Reference.parse(name);
        images.names().put(reference.toString(), top);
        return "Loaded image: " + reference.familiar();
    }

    /**
     * An index.json entry may carry a full name (io.containerd.image.name) or only a tag
     * (org.opencontainers.image.ref.name, as `skopeo copy oci:DIR:TAG` writes it). A bare tag is
     * no image name: reading "bookworm" as docker.io/library/bookworm would invent one.
     */
    private static String layoutName(Path source, String name) throws ImageException {
        if (name.isEmpty() || name.contains("/") || name.contains(":")) {
            return name;
        }
        throw new ImageException(source + ": the image is only tagged '" + name
                + "' in the layout; give it a name: berth image import " + source + " NAME");
    }

    /** True if the tar (plain or compressed) has an oci-layout file at its top. */
    private static boolean isOciLayoutTar(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             TarArchiveInputStream tar = new TarArchiveInputStream(Decompression.detect(raw))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String entryName = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                if (entryName.equals("oci-layout")) {
                    return true;
                }
            }
            return false;
        }
    }
}
