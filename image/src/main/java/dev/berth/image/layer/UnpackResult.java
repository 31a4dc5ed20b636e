package dev.berth.image.layer;

import dev.berth.image.store.Digest;
import java.nio.file.Path;
import java.util.List;

/**
 * What unpacking one layer did beyond writing its entries.
 *
 * @param whiteouts         OVERLAY mode: paths (relative to the target) of whiteouts, each now a
 *                          0/0 character device (unless this layer's own entry took its place)
 * @param opaqueDirectories OVERLAY mode: directories now carrying trusted.overlay.opaque="y"
 * @param skipped           entries or attributes not applied, each with the reason
 * @param diffId            sha256 of the uncompressed tar stream, read to its end: what the image
 *                          config's rootfs.diff_ids lists for this layer
 */
public record UnpackResult(List<Path> whiteouts, List<Path> opaqueDirectories, List<String> skipped,
                           Digest diffId) {
    public UnpackResult {
        whiteouts = List.copyOf(whiteouts);
        opaqueDirectories = List.copyOf(opaqueDirectories);
        skipped = List.copyOf(skipped);
    }
}
