package dev.berth.image.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.Platform;
import dev.berth.image.names.ImageRecord;
import dev.berth.image.registry.BlobKind;
import dev.berth.image.registry.LocalRegistry;
import dev.berth.image.registry.PullListener;
import dev.berth.image.registry.PushListener;
import dev.berth.image.registry.Reference;
import dev.berth.image.snapshot.ChainIds;
import dev.berth.image.snapshot.SnapshotInfo;
import dev.berth.image.store.Digest;
import dev.berth.image.store.Ingest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ImageService end to end on real files: a busybox root filesystem imported, pushed to Debian's
 * docker-registry on 127.0.0.1, removed, pulled back into snapshots; names, IDs, inspect, save/load,
 * OCI export/import (also through skopeo) and garbage collection. Mounts are in
 * {@link ImageServiceMountTest}.
 */
class ImageServiceTest {
    static final List<String> CMD = List.of("sh", "-c", "echo hi");
    static final Platform HERE = Platform.current();

    @RegisterExtension
    static final LocalRegistry REGISTRY = new LocalRegistry();

    @TempDir
    static Path shared;
    static Path busyboxTar;

    @TempDir
    Path tmp;

    @BeforeAll
    static void busybox() throws Exception {
        busyboxTar = BusyboxRootfs.writeTar(shared.resolve("busybox.tar"));
    }

    @AfterEach
    void noMountsLeft() {
        assertEquals(List.of(), MountTable.unmountAllUnder(tmp), "mounts the test left behind");
    }

    /** A service over {@code tmp/name}, reading no credentials (a hermetic docker config path). */
    ImageService open(String name) throws IOException {
        return ImageService.open(tmp.resolve(name), new RegistryOptions(Set.of(), tmp.resolve("no-docker-config.json")));
    }

    static LocalImage importBusybox(ImageService images, Path tar, String name, List<String> cmd) throws IOException {
        List<String> lines = images.importImage(tar, name, cmd, Map.of());
        assertEquals(List.of("Loaded image: " + Reference.parse(name).familiar()), lines);
        return images.find(name, HERE);
    }

    @Test
    void pushRemovePullAgainAndRemoveLeavesNothing() throws Exception {
        ImageService images = open("root");
        LocalImage imported = importBusybox(images, busyboxTar, "busybox:t", CMD);
        assertEquals(List.of("docker.io/library/busybox:t"), imported.names());
        assertEquals(1, imported.manifest().layers().size());
        assertEquals(1, imported.config().diffIds().size());
        assertEquals(HERE.architecture(), imported.config().architecture());

        String target = REGISTRY.registry() + "/service/busybox:1";
        Map<Digest, PushListener.Outcome> pushed = new ConcurrentHashMap<>();
        Digest digest = images.push("busybox:t", target, new PushListener() {
            @Override
            public void blobDone(Descriptor d, BlobKind kind, Outcome outcome) {
                pushed.put(d.digest(), outcome);
            }
        });
        assertEquals(imported.top().digest(), digest, "the registry stores the manifest berth made, byte for byte");
        assertEquals(Set.of(imported.id(), imported.manifest().layers().getFirst().digest()), pushed.keySet());

        List<String> removed = images.remove("busybox:t", false);
        assertEquals("Untagged: busybox:t", removed.getFirst());
        assertEquals(blobsOf(imported), deletedDigests(removed));
        assertEquals(Set.of(), images.content().list());
        assertEquals(List.of(), images.list(HERE));
        ImageException gone = assertThrows(ImageException.class, () -> images.find("busybox:t", HERE));
        assertEquals("no such image: busybox:t", gone.getMessage());

        Events events = new Events();
        PulledImage pulled = images.pull(target, HERE, true, events, events);
        assertTrue(pulled.changed());
        assertEquals(Reference.parse(target).toString(), pulled.name());
        LocalImage image = pulled.image();
        assertEquals(List.of(pulled.name()), image.names());
        assertEquals(digest, image.top().digest());
        assertEquals(image.top(), image.manifestDescriptor(), "a single manifest is its own platform manifest");
        assertEquals(imported.id(), image.id());
        assertEquals(imported.manifest(), image.manifest());
        assertEquals(imported.config(), image.config());
        assertEquals(imported.size(), image.size());
        assertEquals(blobsOf(image), images.content().list());
        Descriptor layer = image.manifest().layers().getFirst();
        assertEquals(Map.of(layer.digest(), false), events.downloaded, "the layer was downloaded, not found");
        assertEquals(List.of(layer.digest() + " extracted"), events.extracted);
        List<String> chainIds = chainIds(image);
        assertEquals(chainIds, committedSnapshots(images));

        Events again = new Events();
        PulledImage second = images.pull(target, HERE, true, again, again);
        assertFalse(second.changed(), "the name already pointed at this manifest");
        assertEquals(image, second.image());
        assertEquals(Map.of(layer.digest(), true), again.downloaded);
        assertEquals(List.of(layer.digest() + " existed"), again.extracted);
        assertEquals(chainIds, committedSnapshots(images));

        List<String> lines = images.remove(target, false);
        assertEquals("Untagged: " + pulled.name(), lines.getFirst());
        assertEquals(Set.of(), images.content().list());
        assertEquals(List.of(), images.snapshotter().list(), "the layer snapshots went with the image");
    }

    @Test
    void anImageWithSeveralNamesIsRemovedByIdOnlyWithForce() throws Exception {
        ImageService images = open("root");
        LocalImage image = importBusybox(images, busyboxTar, "busybox:t", CMD);
        String shortId = image.id().hex().substring(0, 12);
        images.tag("busybox:t", "other/name:2");
        images.tag(shortId, "localhost:5000/third:3");
        assertEquals(Set.of("docker.io/library/busybox:t", "docker.io/other/name:2", "localhost:5000/third:3"),
                Set.copyOf(images.find(shortId, HERE).names()));
        assertEquals(image.id(), images.find("other/name:2", HERE).id());
        Set<Digest> blobs = images.content().list();

        ImageException refused = assertThrows(ImageException.class, () -> images.remove(shortId, false));
        assertTrue(refused.getMessage().contains("has several names") && refused.getMessage().contains("--force"),
                refused.getMessage());
        assertEquals(3, images.names().list().size(), "a refused removal removes no name");
        assertEquals(blobs, images.content().list());

        assertEquals(List.of("Untagged: localhost:5000/third:3"), images.remove("localhost:5000/third:3", false),
                "other names still reach the content: nothing is deleted");
        assertEquals(blobs, images.content().list());

        List<String> lines = images.remove("sha256:" + shortId, true);
        assertEquals(Set.of("Untagged: busybox:t", "Untagged: other/name:2"),
                lines.stream().filter(l -> l.startsWith("Untagged: ")).collect(Collectors.toSet()));
        assertEquals(blobs, deletedDigests(lines));
        assertEquals(Set.of(), images.content().list());
        assertEquals(List.of(), images.names().list());

        LocalImage single = importBusybox(images, busyboxTar, "single:1", CMD);
        List<String> byId = images.remove(single.id().hex(), false);
        assertEquals("Untagged: single:1", byId.getFirst(), "one name needs no --force");
        assertEquals(Set.of(), images.content().list());
        assertThrows(ImageException.class, () -> images.remove("single:1", false));
    }

    @Test
    void inspectJsonHasDockersFieldsAndTheConfigsDiffIds() throws Exception {
        ImageService images = open("root");
        LocalImage image = importBusybox(images, busyboxTar, "busybox:t", CMD);
        ObjectMapper mapper = new ObjectMapper();
        JsonNode all = mapper.readTree(images.inspectJson(List.of("busybox:t", image.id().hex().substring(0, 8)), HERE));
        assertEquals(2, all.size());
        assertEquals(all.get(0), all.get(1), "by name and by ID prefix: the same image");
        JsonNode inspect = all.get(0);
        assertEquals(image.id().toString(), inspect.get("Id").asText());
        assertEquals(List.of("busybox:t"), strings(inspect.get("RepoTags")));
        assertEquals(List.of("busybox@" + image.top().digest()), strings(inspect.get("RepoDigests")));
        assertEquals(CMD, strings(inspect.get("Config").get("Cmd")));
        assertEquals(HERE.architecture(), inspect.get("Architecture").asText());
        assertEquals("linux", inspect.get("Os").asText());
        assertEquals(image.size(), inspect.get("Size").asLong());
        assertEquals(image.top().digest().toString(), inspect.get("Manifest").get("digest").asText());

        // The config blob read on its own, not through berth's config reader.
        JsonNode config;
        try (InputStream in = images.content().open(image.id())) {
            config = mapper.readTree(in);
        }
        assertEquals(strings(config.get("rootfs").get("diff_ids")), strings(inspect.get("RootFS").get("Layers")));
        assertEquals("layers", inspect.get("RootFS").get("Type").asText());
        assertEquals(config.get("created").asText(), inspect.get("Created").asText());

        ImageException unknown = assertThrows(ImageException.class,
                () -> images.inspectJson(List.of("busybox:t", "nothing:here"), HERE));
        assertEquals("no such image: nothing:here", unknown.getMessage());
    }

    @Test
    void savedImageLoadsIntoAFreshRootWithTheSameId() throws Exception {
        ImageService images = open("root");
        LocalImage image = importBusybox(images, busyboxTar, "busybox:t", CMD);
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        images.save(List.of("busybox:t"), saved);

        ImageService fresh = open("fresh");
        assertEquals(List.of("Loaded image: busybox:t"), fresh.load(new ByteArrayInputStream(saved.toByteArray())));
        LocalImage loaded = fresh.find("busybox:t", HERE);
        assertEquals(image.id(), loaded.id(), "docker's image ID is the config digest: it survives save/load");
        assertEquals(image.config().diffIds(), loaded.config().diffIds());
        assertEquals(List.of("docker.io/library/busybox:t"), loaded.names());
    }

    @Test
    void exportedLayoutDirectoryAndTarImportWithTheSameManifestDigest() throws Exception {
        ImageService images = open("root");
        LocalImage image = importBusybox(images, busyboxTar, "busybox:t", CMD);
        Path dir = tmp.resolve("layout");
        Path tar = tmp.resolve("layout.tar");
        images.export(List.of("busybox:t"), dir);
        images.export(List.of(image.id().hex()), tar);
        assertTrue(Files.isRegularFile(dir.resolve("oci-layout")) && Files.isRegularFile(dir.resolve("index.json")));

        for (Path source : List.of(dir, tar)) {
            ImageService fresh = open("fresh-" + source.getFileName());
            assertEquals(List.of("Loaded image: busybox:t"), fresh.importImage(source, null, List.of(), Map.of()),
                    source + " carries the image's name");
            LocalImage imported = fresh.find("busybox:t", HERE);
            assertEquals(image.top().digest(), imported.top().digest(), source.toString());
            assertEquals(images.content().list(), fresh.content().list(), source.toString());
        }
    }

    @Test
    void skopeoLayoutWithOnlyATagNeedsANameAndFailingAddsNothing() throws Exception {
        ImageService images = open("root");
        LocalImage image = importBusybox(images, busyboxTar, "busybox:t", CMD);
        Path exported = tmp.resolve("exported");
        images.export(List.of("busybox:t"), exported);
        // skopeo's oci: transport writes only org.opencontainers.image.ref.name, here "t".
        Path skopeoLayout = tmp.resolve("skopeo-layout");
        Tools.run("skopeo", "copy", "oci:" + exported + ":t", "oci:" + skopeoLayout + ":t");
        String index = Files.readString(skopeoLayout.resolve("index.json"));
        assertFalse(index.contains("io.containerd.image.name"), index);

        ImageService fresh = open("fresh");
        ImageException e = assertThrows(ImageException.class,
                () -> fresh.importImage(skopeoLayout, null, List.of(), Map.of()));
        assertEquals(skopeoLayout + ": the image is only tagged 't' in the layout; give it a name: berth image import "
                + skopeoLayout + " NAME", e.getMessage());
        assertEquals(Set.of(), fresh.content().list(), "a refused import leaves no blob behind");
        assertEquals(List.of(), fresh.names().list());

        assertEquals(List.of("Loaded image: named:1"), fresh.importImage(skopeoLayout, "named:1", List.of(), Map.of()));
        assertEquals(image.id(), fresh.find("named:1", HERE).id());
    }

    @Test
    void listTagsNamesWhatWasPushedAndRemoveWithoutPruneKeepsTheContent() throws Exception {
        ImageService images = open("root");
        LocalImage image = importBusybox(images, busyboxTar, "busybox:t", CMD);
        for (String tag : List.of("b", "a")) {
            images.push("busybox:t", REGISTRY.registry() + "/listed:" + tag, PushListener.NONE);
        }
        assertEquals(List.of("a", "b"), images.listTags(REGISTRY.registry() + "/listed").stream().sorted().toList());
        assertEquals(List.of("a", "b"), images.listTags(REGISTRY.registry() + "/listed:a").stream().sorted().toList(),
                "a tag in the name is ignored");

        assertEquals(List.of("Untagged: busybox:t"), images.remove("busybox:t", false, false));
        assertEquals(blobsOf(image), images.content().list(), "--no-prune: every blob stays");
        assertEquals(blobsOf(image), images.prune().removedBlobs(), "until prune");
    }

    @Test
    void pruneAfterRemovingEverythingLeavesAnEmptyStore() throws Exception {
        ImageService images = open("root");
        LocalImage first = importBusybox(images, busyboxTar, "first:1", CMD);
        LocalImage second = importBusybox(images, busyboxTar, "second:1", List.of("true"));
        images.snapshots().unpack(first, SnapshotListener.NONE);
        images.snapshots().unpack(second, SnapshotListener.NONE);
        Digest stray = Digest.of("sha256", "stray".getBytes(StandardCharsets.UTF_8));
        try (Ingest ingest = images.content().begin(stray, 5)) {
            ingest.write("stray".getBytes(StandardCharsets.UTF_8));
            ingest.commit();
        }
        Set<Digest> blobs = images.content().list();
        assertEquals(6, blobs.size(), "two configs and manifests, one shared layer, the stray blob");
        long bytes = 0;
        for (Digest d : blobs) {
            bytes += images.content().size(d);
        }
        List<String> snapshots = committedSnapshots(images);
        assertEquals(chainIds(first), snapshots, "both images have the same single layer");

        // Names removed directly: remove() would collect at once and leave prune nothing to do.
        for (ImageRecord record : images.names().list()) {
            images.names().remove(record.name());
        }
        PruneReport report = images.prune();
        assertEquals(blobs, report.removedBlobs());
        assertEquals(snapshots, report.removedSnapshots());
        assertEquals(bytes, report.bytesFreed());
        assertEquals(Set.of(), images.content().list());
        assertEquals(List.of(), images.snapshotter().list());
        assertEquals(List.of(), images.list(HERE));

        PruneReport nothing = images.prune();
        assertEquals(new PruneReport(Set.of(), List.of(), 0), nothing);
    }

    static Set<Digest> blobsOf(LocalImage image) {
        Set<Digest> blobs = new HashSet<>();
        blobs.add(image.top().digest());
        blobs.add(image.id());
        image.manifest().layers().forEach(l -> blobs.add(l.digest()));
        return blobs;
    }

    static Set<Digest> deletedDigests(List<String> removeLines) {
        return removeLines.stream().filter(l -> l.startsWith("Deleted: "))
                .map(l -> Digest.parse(l.substring("Deleted: ".length()))).collect(Collectors.toSet());
    }

    static List<String> chainIds(LocalImage image) {
        return ChainIds.of(image.config().diffIds()).stream().map(Digest::toString).sorted().toList();
    }

    static List<String> committedSnapshots(ImageService images) throws IOException {
        return images.snapshotter().list().stream().filter(s -> s.kind() == SnapshotInfo.Kind.COMMITTED)
                .map(SnapshotInfo::key).sorted().toList();
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }

    /** What a pull reported: per layer, found or downloaded; then extracted or already a snapshot. */
    static final class Events implements PullListener, SnapshotListener {
        final Map<Digest, Boolean> downloaded = new ConcurrentHashMap<>();
        final List<String> extracted = new ArrayList<>();

        @Override
        public void blobDone(Descriptor d, boolean alreadyPresent) {
            if (d.layerType().isPresent()) {
                downloaded.put(d.digest(), alreadyPresent);
            }
        }

        @Override
        public void extracted(Descriptor layer, boolean existed) {
            extracted.add(layer.digest() + (existed ? " existed" : " extracted"));
        }
    }

    @Test
    void anImageOfAnotherPlatformIsListedAndInspectedButNotMounted() throws Exception {
        ImageService images = open("root");
        LocalImage host = importBusybox(images, busyboxTar, "busybox:host", CMD);
        // An index that offers the same manifest for another architecture only: what a pull or a
        // load of a foreign image leaves (one platform's manifest stored, the index naming it).
        String other = HERE.architecture().equals("arm64") ? "amd64" : "arm64";
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":[{\"mediaType\":\"" + host.manifestDescriptor().mediaType() + "\",\"digest\":\""
                + host.manifestDescriptor().digest() + "\",\"size\":" + host.manifestDescriptor().size()
                + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"" + other + "\"}}]}")
                .getBytes(StandardCharsets.UTF_8);
        Digest indexDigest = Digest.of("sha256", index);
        try (Ingest ingest = images.content().begin(indexDigest, index.length)) {
            ingest.write(index);
            ingest.commit();
        }
        images.names().put("docker.io/library/foreign:1", new Descriptor("application/vnd.oci.image.index.v1+json",
                indexDigest, index.length, List.of(), Map.of(), java.util.Optional.empty()));

        List<LocalImage> listed = images.list(HERE);
        assertEquals(2, listed.size(), "an image without this machine's platform is still listed");
        LocalImage foreign = listed.stream().filter(i -> i.top().digest().equals(indexDigest)).findFirst().orElseThrow();
        assertEquals(host.manifestDescriptor().digest(), foreign.manifestDescriptor().digest());
        JsonNode inspected = new ObjectMapper().readTree(images.inspectJson(List.of("foreign:1"), HERE));
        assertEquals(host.id().toString(), inspected.get(0).get("Id").asText());

        ImageException refused = assertThrows(ImageException.class,
                () -> images.mount("foreign:1", tmp.resolve("bundle"), HERE));
        assertTrue(refused.getMessage().contains(indexDigest.toString()), refused.getMessage());
        assertFalse(Files.exists(tmp.resolve("bundle")), "a refused mount creates nothing");
    }
}
