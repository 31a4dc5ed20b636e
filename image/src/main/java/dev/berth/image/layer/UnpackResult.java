package dev.berth.image.layer;

import java.nio.file.Path;
import java.util.List;

/**
 * What unpacking a layer produced besides the files themselves.
 *
 * @param whiteouts        in {@link Mode#OVERLAY}: paths relative to the target that must become
 *                         0/0 character devices (overlayfs whiteouts); empty in FLATTEN
 * @param opaqueDirectories in {@link Mode#OVERLAY}: directories relative to the target that must
 *                         get {@code trusted.overlay.opaque=y}; empty in FLATTEN
 * @param skipped          entries or attributes not applied, one human-readable note each
 *                         (devices/fifos under {@link DeviceHandling#SKIP}, non-user xattrs)
 */
public record UnpackResult(List<Path> whiteouts, List<Path> opaqueDirectories, List<String> skipped) {
    public UnpackResult {
        whiteouts = List.copyOf(whiteouts);
        opaqueDirectories = List.copyOf(opaqueDirectories);
        skipped = List.copyOf(skipped);
    }
}
