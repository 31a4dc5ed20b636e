package dev.berth.image.config;

import dev.berth.image.store.Digest;
import java.util.List;

/**
 * What an image config says about the image itself rather than about its containers (config.md):
 * when it was made, for which platform, and the digests of its uncompressed layers, which name its
 * snapshots (chain IDs) and let an unpacker check what it decompressed.
 *
 * @param created      RFC 3339 date-time, null when absent
 * @param architecture null when absent
 * @param os           null when absent
 * @param diffIds      rootfs.diff_ids in layer order
 */
public record ConfigSummary(String created, String architecture, String os, List<Digest> diffIds) {
    public ConfigSummary {
        diffIds = List.copyOf(diffIds);
    }
}
