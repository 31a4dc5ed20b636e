package dev.berth.image.service;

import dev.berth.image.store.Digest;

/**
 * One step of an image's build history (an entry of the config's {@code history}, config.md).
 *
 * @param imageId    the image ID for the newest step, null for the others (docker prints
 *                   {@code <missing>}: a pulled image has no IDs for its intermediate steps)
 * @param created    RFC 3339 date-time, null when absent
 * @param createdBy  the command that made the step, null when absent
 * @param comment    null when absent
 * @param emptyLayer true if the step made no layer (ENV, CMD, ...)
 * @param size       bytes of the (compressed) layer the step made, 0 for an empty one
 */
public record HistoryEntry(Digest imageId, String created, String createdBy, String comment, boolean emptyLayer,
                           long size) {
}
