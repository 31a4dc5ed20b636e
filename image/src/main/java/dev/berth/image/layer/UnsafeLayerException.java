package dev.berth.image.layer;

/**
 * A tar entry would write, or link, outside the unpack target (e.g. {@code ../} names, absolute
 * names, a symlinked parent directory, a symlink or hardlink pointing out). Nothing of that entry
 * was written.
 */
public final class UnsafeLayerException extends LayerException {
    public UnsafeLayerException(String message) {
        super(message);
    }
}
