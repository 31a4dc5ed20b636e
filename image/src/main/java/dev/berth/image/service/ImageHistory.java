package dev.berth.image.service;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.berth.image.manifest.Descriptor;
import dev.berth.image.manifest.JsonTree;
import dev.berth.image.manifest.ManifestException;
import dev.berth.image.manifest.StoredDocuments;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * {@code image history}: the image config's {@code history} array (image-spec config.md), one
 * entry per build step, newest first as docker prints it. Each entry that is not an
 * {@code empty_layer} made the next layer of the manifest, in order, so its size is that layer's
 * (compressed, as stored and transferred); empty_layer steps (ENV, CMD...) made none and are 0.
 */
final class ImageHistory {
    private ImageHistory() {
    }

    /** The entries of {@code image}, newest first; only the newest carries the image ID. */
    static List<HistoryEntry> of(LocalImage image, ContentStore store) throws IOException {
        Descriptor config = image.manifest().config();
        List<Object> history = historyArray(StoredDocuments.read(store, config, ImageException::new), config.digest());
        List<Descriptor> layers = image.manifest().layers();
        List<HistoryEntry> entries = new ArrayList<>();
        if (history.isEmpty()) {
            // config.md makes history optional; docker then shows one unnamed step per layer.
            for (Descriptor layer : layers) {
                entries.add(new HistoryEntry(null, null, null, null, false, layer.size()));
            }
        }
        int layer = 0;
        for (int i = 0; i < history.size(); i++) {
            if (!(history.get(i) instanceof Map<?, ?> step)) {
                throw new ImageException("image config " + config.digest() + ": history[" + i + "] is not an object");
            }
            boolean empty = Boolean.TRUE.equals(step.get("empty_layer"));
            // A history with more layer steps than the manifest has layers is malformed; its
            // extra steps are shown with 0B rather than hiding the history altogether.
            long size = !empty && layer < layers.size() ? layers.get(layer).size() : 0;
            if (!empty) {
                layer++;
            }
            entries.add(new HistoryEntry(null, text(step, "created"), text(step, "created_by"), text(step, "comment"),
                    empty, size));
        }
        Collections.reverse(entries);
        if (!entries.isEmpty()) {
            HistoryEntry top = entries.getFirst();
            entries.set(0, new HistoryEntry(image.id(), top.created(), top.createdBy(), top.comment(), top.emptyLayer(),
                    top.size()));
        }
        return List.copyOf(entries);
    }

    private static List<Object> historyArray(byte[] json, Digest source) throws ImageException {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ImageException("image config " + source + ": expected a JSON object");
            }
            Object history = JsonTree.readObject(p).get("history");
            if (history == null) {
                return List.of();
            }
            if (!(history instanceof List<?> list)) {
                throw new ImageException("image config " + source + ": history is not an array");
            }
            return new ArrayList<Object>(list);
        } catch (ManifestException | JacksonException e) {
            throw new ImageException("image config " + source + ": " + e.getMessage(), e);
        } catch (IOException e) {
            // Parsing a byte array does no I/O; jackson declares IOException for its streams.
            throw new ImageException("image config " + source + ": " + e.getMessage(), e);
        }
    }

    private static String text(Map<?, ?> step, String key) {
        return step.get(key) instanceof String s ? s : null;
    }
}
