package dev.berth.image.layer;

/**
 * A hardlink entry whose target is not in the layer. In a flattened unpack every earlier layer is
 * in the target, so this is a malformed layer; in overlay form the target may be in a lower layer
 * (image-spec layer.md: extracting such a layer "may fail"), and the layer can be unpacked again
 * with its lower directories at hand ({@link LayerUnpacker#unpack(java.io.InputStream,
 * java.nio.file.Path, Mode, DeviceHandling, java.util.List)}).
 */
public final class HardlinkOutsideLayerException extends LayerException {
    public HardlinkOutsideLayerException(String message) {
        super(message);
    }
}
