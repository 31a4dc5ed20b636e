package dev.berth.image.service;

import static dev.berth.image.service.ImageServiceTest.CMD;
import static dev.berth.image.service.ImageServiceTest.HERE;
import static dev.berth.image.service.ImageServiceTest.committedSnapshots;
import static dev.berth.image.service.ImageServiceTest.importBusybox;
import static dev.berth.image.service.ImageServiceTest.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.image.layer.TarBuilder;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.MediaTypes;
import dev.berth.image.registry.ImagePusher;
import dev.berth.image.registry.LocalRegistry;
import dev.berth.image.registry.PullListener;
import dev.berth.image.registry.PushListener;
import dev.berth.image.registry.Reference;
import dev.berth.image.registry.RegistryClient;
import dev.berth.image.snapshot.SnapshotInfo;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import dev.berth.image.store.Ingest;
import dev.berth.linux.FileSystemCalls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ImageService's bundles on the real kernel: {@code unpack} (plain files), {@code mount} (an
 * overlay of the layer snapshots plus a writable snapshot) and {@code unmount}, including the
 * failures that must leave nothing behind, and whiteouts seen both through overlayfs and flattened.
 */
class ImageServiceMountTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final LocalRegistry REGISTRY = new LocalRegistry();

    @TempDir
    static Path shared;
    static Path busyboxTar;

    @TempDir
    Path tmp;
    ImageService images;

    @BeforeAll
    static void busybox() throws Exception {
        busyboxTar = BusyboxRootfs.writeTar(shared.resolve("busybox.tar"));
    }

    @AfterEach
    void noMountsLeft() {
        assertEquals(List.of(), MountTable.unmountAllUnder(tmp), "mounts the test left behind");
    }

    private ImageService open() throws IOException {
        images = ImageService.open(tmp.resolve("root"),
                new RegistryOptions(Set.of(), tmp.resolve("no-docker-config.json")));
        return images;
    }

    @Test
    void unpackWritesPlainFilesAndARelativeRoot() throws Exception {
        open();
        importBusybox(images, busyboxTar, "busybox:t", CMD);
        Path bundle = tmp.resolve("unpacked");
        images.unpack("busybox:t", bundle, HERE);

        Path busybox = bundle.resolve("rootfs/bin/busybox");
        assertTrue(Files.isRegularFile(busybox) && Files.isExecutable(busybox));
        assertEquals(-1, Files.mismatch(BusyboxRootfs.BUSYBOX, busybox), "the binary arrives intact");
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(bundle.resolve("rootfs/bin/sh")));
        JsonNode config = JSON.readTree(bundle.resolve("config.json").toFile());
        assertEquals("rootfs", config.get("root").get("path").asText());
        assertEquals(CMD, strings(config.get("process").get("args")));
        assertEquals(Optional.empty(), MountTable.fsTypeAt(bundle.resolve("rootfs")), "unpack mounts nothing");

        Map<String, String> before = FileTrees.of(bundle);
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> images.unpack("busybox:t", bundle, HERE));
        assertEquals(before, FileTrees.of(bundle), "a refused unpack does not layer onto the old rootfs");
    }

    @Test
    void mountIsAnOverlayWhoseWritesStayOutOfTheSnapshots() throws Exception {
        open();
        importBusybox(images, busyboxTar, "busybox:t", CMD);
        Path bundle = tmp.resolve("mnt/bundle");
        Path rootfs = bundle.resolve("rootfs");
        images.mount("busybox:t", bundle, HERE);
        try {
            assertEquals(Optional.of("overlay"), MountTable.fsTypeAt(rootfs));
            JsonNode config = JSON.readTree(bundle.resolve("config.json").toFile());
            assertEquals("rootfs", config.get("root").get("path").asText());
            assertEquals(CMD, strings(config.get("process").get("args")));
            SnapshotInfo active = onlyActive();
            Map<String, Map<String, String>> layers = committedTrees();
            assertEquals(1, layers.size());

            Files.writeString(rootfs.resolve("etc/written"), "in the container");
            Files.delete(rootfs.resolve("etc/group"));
            assertEquals(layers, committedTrees(), "the image's snapshots are read-only lower layers");
            assertEquals("in the container", Files.readString(active.path().resolve("fs/etc/written")),
                    "writes go to the writable snapshot");

            ImageException twice = assertThrows(ImageException.class, () -> images.mount("busybox:t", bundle, HERE));
            assertTrue(twice.getMessage().contains("is mounted already"), twice.getMessage());
            assertEquals(Optional.of("overlay"), MountTable.fsTypeAt(rootfs));
            assertEquals(active, onlyActive());
        } finally {
            if (MountTable.fsTypeAt(rootfs).isPresent()) {
                images.unmount(bundle);
            }
        }
        assertEquals(List.of(), MountTable.under(bundle));
        assertEquals(List.of(), activeSnapshots(), "the writable snapshot is dropped");
        assertEquals(1, committedSnapshots(images).size(), "the image's layer stays unpacked");
        try (var left = Files.list(bundle)) {
            assertEquals(List.of(), left.toList(), "config.json, rootfs and the marker are gone");
        }
    }

    @Test
    void mountOfAnImageWithoutACommandLeavesNoMountSnapshotOrDirectory() throws Exception {
        open();
        importBusybox(images, busyboxTar, "nocmd:1", List.of());
        Path bundle = tmp.resolve("nocmd/bundle");
        IOException e = assertThrows(IOException.class, () -> images.mount("nocmd:1", bundle, HERE));
        assertTrue(e.getMessage().contains("no command to run"), e.getMessage());
        assertEquals(List.of(), MountTable.under(tmp));
        assertEquals(List.of(), activeSnapshots());
        assertFalse(Files.exists(bundle.resolve("rootfs")));
        assertFalse(Files.exists(bundle), "mount made the bundle directory, so it takes it back");
    }

    @Test
    void unmountOfADirectoryBerthDidNotMountTouchesNothing() throws Exception {
        open();
        Path dir = tmp.resolve("foreign");
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Files.writeString(dir.resolve("config.json"), "{}");
        FileSystemCalls.mount("tmpfs", rootfs, "tmpfs", 0, "size=1m");
        try {
            Files.writeString(rootfs.resolve("keep"), "mine");
            Map<String, String> before = FileTrees.of(dir);

            ImageException notOurs = assertThrows(ImageException.class, () -> images.unmount(dir));
            assertEquals(dir + " was not mounted by berth image mount (no .berth-mount)", notOurs.getMessage());
            assertEquals(Optional.of("tmpfs"), MountTable.fsTypeAt(rootfs));
            assertEquals(before, FileTrees.of(dir));

            // A marker written for another berth root is not this root's to act on.
            Files.writeString(dir.resolve(".berth-mount"), "snapshot=bundle-0123\nroot=/elsewhere\n");
            Map<String, String> withMarker = FileTrees.of(dir);
            ImageException otherRoot = assertThrows(ImageException.class, () -> images.unmount(dir));
            assertTrue(otherRoot.getMessage().contains("not by this berth root"), otherRoot.getMessage());
            assertEquals(Optional.of("tmpfs"), MountTable.fsTypeAt(rootfs));
            assertEquals(withMarker, FileTrees.of(dir));
        } finally {
            FileSystemCalls.umount2(rootfs, 0);
        }
    }

    @Test
    void snapshotsUnderAMountedBundleSurvivePruneUntilUnmounted() throws Exception {
        open();
        LocalImage image = importBusybox(images, busyboxTar, "busybox:t", CMD);
        Path bundle = tmp.resolve("in-use/bundle");
        images.mount("busybox:t", bundle, HERE);
        try {
            images.names().remove("docker.io/library/busybox:t");
            PruneReport report = images.prune();
            assertEquals(ImageServiceTest.blobsOf(image), report.removedBlobs());
            assertEquals(List.of(), report.removedSnapshots(), "the mounted bundle still stands on the layer");
            assertTrue(Files.isExecutable(bundle.resolve("rootfs/bin/busybox")));
        } finally {
            images.unmount(bundle);
        }
        assertEquals(ImageServiceTest.chainIds(image), images.prune().removedSnapshots());
        assertEquals(List.of(), images.snapshotter().list());
        assertEquals(Set.of(), images.content().list());
    }

    /**
     * Layer 1 makes a tree; layer 2 deletes etc/gone.txt (.wh.), makes opaque/ opaque (.wh..wh..opq)
     * and adds files; layer 3 deletes the directory dir/ and adds etc/late.txt (image-spec
     * layer.md, "Whiteouts"). Pushed to the registry, pulled into snapshots, then seen two ways.
     */
    @Test
    void whiteoutsShowTheSameTreeThroughOverlayAndFlattened() throws Exception {
        open();
        List<byte[]> tars = List.of(
                new TarBuilder().dir("etc/", 0755).file("etc/keep.txt", "keep").file("etc/gone.txt", "gone")
                        .dir("opaque/", 0755).file("opaque/old1", "o1").dir("opaque/sub/", 0755)
                        .file("opaque/sub/old2", "o2").dir("dir/", 0755).file("dir/a", "a").bytes(),
                new TarBuilder().file("etc/.wh.gone.txt", "").dir("opaque/", 0750)
                        .file("opaque/.wh..wh..opq", "").file("opaque/new", "n").file("new.txt", "new").bytes(),
                new TarBuilder().file(".wh.dir", "").file("etc/late.txt", "late").bytes());
        String name = REGISTRY.registry() + "/service/whiteouts:1";
        Digest pushed = pushImage(tars, name);
        images.pull(name, HERE, true, PullListener.NONE, SnapshotListener.NONE);
        assertEquals(3, committedSnapshots(images).size());

        Path bundle = tmp.resolve("merged/bundle");
        Map<String, String> merged;
        images.mount(name, bundle, HERE);
        try {
            merged = FileTrees.of(bundle.resolve("rootfs"));
            assertEquals("late", Files.readString(bundle.resolve("rootfs/etc/late.txt")));
        } finally {
            images.unmount(bundle);
        }
        Path flat = tmp.resolve("flat");
        images.unpack(pushed.hex().substring(0, 12), flat, HERE);
        Map<String, String> flattened = FileTrees.of(flat.resolve("rootfs"));

        assertEquals(Set.of("etc", "etc/keep.txt", "etc/late.txt", "opaque", "opaque/new", "new.txt"), merged.keySet());
        assertEquals(merged, flattened, "overlayfs and the flattening unpacker agree, modes and contents included");
        assertEquals("dir rwxr-x---", merged.get("opaque"), "the opaque directory has layer 2's mode");
        assertTrue(flattened.keySet().stream().noneMatch(p -> p.contains(".wh.")), flattened.toString());
    }

    /** Stores the layers, a config with their diff IDs and a command, and the manifest; pushes them. */
    private Digest pushImage(List<byte[]> tars, String name) throws IOException {
        ContentStore source = new ContentStore(tmp.resolve("source"));
        List<String> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (byte[] tar : tars) {
            layers.add(json(put(source, "application/vnd.oci.image.layer.v1.tar+gzip", gzip(tar))));
            diffIds.add("\"" + Digest.of("sha256", tar) + "\"");
        }
        byte[] config = ("{\"architecture\":\"" + HERE.architecture() + "\",\"os\":\"linux\","
                + "\"config\":{\"Cmd\":[\"/bin/true\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + String.join(",", diffIds) + "]}}").getBytes(StandardCharsets.UTF_8);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + json(put(source, MediaTypes.OCI_CONFIG, config)) + ",\"layers\":["
                + String.join(",", layers) + "]}").getBytes(StandardCharsets.UTF_8);
        Descriptor top = put(source, MediaTypes.OCI_MANIFEST, manifest);
        try (RegistryClient client = RegistryClient.builder().dockerConfig(tmp.resolve("no-docker-config.json"))
                .build()) {
            return new ImagePusher(client).push(source, top, Reference.parse(name), PushListener.NONE);
        }
    }

    private static String json(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    private static Descriptor put(ContentStore store, String mediaType, byte[] data) throws IOException {
        Digest digest = Digest.of("sha256", data);
        if (!store.contains(digest)) {
            try (Ingest ingest = store.begin(digest, data.length)) {
                ingest.write(data);
                ingest.commit();
            }
        }
        return new Descriptor(mediaType, digest, data.length, List.of(), Map.of(), Optional.empty());
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private SnapshotInfo onlyActive() throws IOException {
        List<SnapshotInfo> active = activeSnapshots();
        assertEquals(1, active.size(), active.toString());
        assertTrue(active.getFirst().key().startsWith("bundle-"), active.toString());
        return active.getFirst();
    }

    private List<SnapshotInfo> activeSnapshots() throws IOException {
        return images.snapshotter().list().stream().filter(s -> s.kind() == SnapshotInfo.Kind.ACTIVE).toList();
    }

    /** Every committed snapshot's directory as a tree, by key. */
    private Map<String, Map<String, String>> committedTrees() throws IOException {
        Map<String, Map<String, String>> trees = new LinkedHashMap<>();
        for (SnapshotInfo s : images.snapshotter().list()) {
            if (s.kind() != SnapshotInfo.Kind.COMMITTED) {
                continue;
            }
            trees.put(s.key(), FileTrees.of(s.path()));
        }
        return trees;
    }
}
