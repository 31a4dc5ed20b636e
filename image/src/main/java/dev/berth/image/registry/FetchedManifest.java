package dev.berth.image.registry;

import dev.berth.image.manifest.Descriptor;
import dev.berth.image.store.Digest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A manifest or index as the registry sent it: the exact bytes (their digest is the identity, so they
 * are never re-serialised), the media type, and the digest verified over those bytes.
 */
public record FetchedManifest(byte[] bytes, String mediaType, Digest digest) {

    public FetchedManifest {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public long size() {
        return bytes.length;
    }

    /** Equal when the bytes are equal (a record would compare the arrays by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof FetchedManifest f && Arrays.equals(bytes, f.bytes) && mediaType.equals(f.mediaType)
                && digest.equals(f.digest);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    @Override
    public String toString() {
        return "FetchedManifest[" + mediaType + " " + digest + ", " + bytes.length + " bytes]";
    }

    /** A descriptor for these bytes (no platform, urls or annotations). */
    public Descriptor descriptor() {
        return new Descriptor(mediaType, digest, bytes.length, List.of(), Map.of(), Optional.empty());
    }
}
