package dev.berth.image.manifest;

import dev.berth.image.store.ContentStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Manifests, indexes and configs read from the content store into memory. They are size-capped
 * before reading, as containerd caps them at 4 MiB: a descriptor claiming a huge "manifest" must
 * not exhaust the heap. Each caller names its own exception type ({@code error}), so that a
 * layout import still fails with a LayoutException and an archive with an ArchiveException.
 */
public final class StoredDocuments {
    public static final long MAX_SIZE = 4L << 20;

    private StoredDocuments() {
    }

    /** The bytes of {@code d}; {@code error} makes the exception for an oversized descriptor. */
    public static <E extends IOException> byte[] read(ContentStore store, Descriptor d,
            BiFunction<String, Throwable, E> error) throws IOException {
        if (d.size() > MAX_SIZE) {
            throw error.apply(d.digest() + ": " + d.mediaType() + " of " + d.size() + " bytes exceeds the "
                    + MAX_SIZE + "-byte limit", null);
        }
        try (InputStream in = store.open(d.digest())) {
            return in.readAllBytes();
        }
    }

    /** {@code d} read and parsed by {@code reader}; a ManifestException becomes {@code error}'s. */
    public static <T, E extends IOException> T parse(ContentStore store, Descriptor d, Function<byte[], T> reader,
            BiFunction<String, Throwable, E> error) throws IOException {
        byte[] bytes = read(store, d, error);
        try {
            return reader.apply(bytes);
        } catch (ManifestException e) {
            throw error.apply(d.digest() + ": " + e.getMessage(), e);
        }
    }
}
