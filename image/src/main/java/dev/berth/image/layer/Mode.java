package dev.berth.image.layer;

/** How whiteouts ({@code .wh.NAME}, {@code .wh..wh..opq}) in a layer are handled. */
public enum Mode {
    /**
     * Apply whiteouts to what earlier layers left in the target by deleting, leave no marker
     * files: the target ends up as the flattened root filesystem ({@code image unpack}, or a
     * copy snapshot).
     */
    FLATTEN,
    /**
     * The target is this layer's own (empty) overlayfs upper directory, and whiteouts become
     * overlayfs' own markers (Documentation/filesystems/overlayfs.rst, "whiteouts and opaque
     * directories"): a whiteout is a 0/0 character device, an opaque directory carries the xattr
     * {@code trusted.overlay.opaque="y"}. Both are also listed in {@link UnpackResult}.
     */
    OVERLAY
}
