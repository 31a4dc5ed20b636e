package dev.berth.image.layer;

/** How whiteouts ({@code .wh.NAME}, {@code .wh..wh..opq}) in a layer are handled. */
public enum Mode {
    /**
     * Apply whiteouts to what earlier layers left in the target by deleting, leave no marker
     * files: the target ends up as the flattened root filesystem ({@code image unpack}).
     */
    FLATTEN,
    /**
     * The target is this layer's own (empty) overlayfs lower/upper directory. Overlayfs expresses
     * a whiteout as a 0/0 character device and an opaque directory as the
     * {@code trusted.overlay.opaque="y"} xattr (Documentation/filesystems/overlayfs.rst); Java can
     * neither mknod nor set trusted.* xattrs, and berth's JVM never forks a helper. So no markers
     * are written: the whiteouts and opaque directories are returned in {@link UnpackResult} for
     * a later privileged step (the linux module) to apply.
     */
    OVERLAY
}
