package dev.berth.image.layer;

/** The layer uses a feature berth cannot unpack yet (zstd compression, device nodes, fifos). */
public final class UnsupportedLayerException extends LayerException {
    public UnsupportedLayerException(String message) {
        super(message);
    }
}
