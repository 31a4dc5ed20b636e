package dev.berth.image.manifest;

import java.util.Optional;

/**
 * The layer media types berth understands. "Foreign" (Docker) and "nondistributable" (OCI, deprecated
 * in image-spec 1.1) layers may only be fetchable from the descriptor's {@code urls}, never from the
 * registry, so callers must know about them before trying to pull.
 */
public enum LayerMediaType {
    OCI_TAR("application/vnd.oci.image.layer.v1.tar", Compression.NONE, false),
    OCI_TAR_GZIP("application/vnd.oci.image.layer.v1.tar+gzip", Compression.GZIP, false),
    OCI_TAR_ZSTD("application/vnd.oci.image.layer.v1.tar+zstd", Compression.ZSTD, false),
    OCI_NONDISTRIBUTABLE_TAR("application/vnd.oci.image.layer.nondistributable.v1.tar", Compression.NONE, true),
    OCI_NONDISTRIBUTABLE_TAR_GZIP(
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", Compression.GZIP, true),
    OCI_NONDISTRIBUTABLE_TAR_ZSTD(
            "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", Compression.ZSTD, true),
    DOCKER_TAR("application/vnd.docker.image.rootfs.diff.tar", Compression.NONE, false),
    DOCKER_TAR_GZIP("application/vnd.docker.image.rootfs.diff.tar.gzip", Compression.GZIP, false),
    DOCKER_FOREIGN_TAR_GZIP("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", Compression.GZIP, true);

    /** How the layer blob is compressed on the wire. */
    public enum Compression { NONE, GZIP, ZSTD }

    private final String mediaType;
    private final Compression compression;
    private final boolean foreign;

    LayerMediaType(String mediaType, Compression compression, boolean foreign) {
        this.mediaType = mediaType;
        this.compression = compression;
        this.foreign = foreign;
    }

    public String mediaType() {
        return mediaType;
    }

    public Compression compression() {
        return compression;
    }

    /** True for foreign / nondistributable layers (content may live only at the descriptor's urls). */
    public boolean foreign() {
        return foreign;
    }

    public static Optional<LayerMediaType> of(String mediaType) {
        for (LayerMediaType t : values()) {
            if (t.mediaType.equals(mediaType)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
