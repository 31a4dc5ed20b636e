package dev.berth.image.snapshot;

import dev.berth.image.store.Digest;

/** An unpacked layer's uncompressed digest differs from the one the image config lists for it. */
public final class DiffIdMismatchException extends SnapshotException {
    private final int layerIndex;
    private final Digest expected;
    private final Digest actual;

    public DiffIdMismatchException(int layerIndex, Digest blob, Digest expected, Digest actual) {
        super("layer " + layerIndex + " (blob " + blob + "): diff_id mismatch: the image config lists "
                + expected + ", the uncompressed layer is " + actual);
        this.layerIndex = layerIndex;
        this.expected = expected;
        this.actual = actual;
    }

    public int layerIndex() {
        return layerIndex;
    }

    public Digest expected() {
        return expected;
    }

    public Digest actual() {
        return actual;
    }
}
