package dev.berth.image.snapshot;

/**
 * Disk use of a snapshot's own directory (for overlay: what the layer adds, not its parents).
 *
 * @param bytes  apparent size (st_size) of its regular files, each inode counted once
 * @param inodes distinct inodes, directories included
 */
public record Usage(long bytes, long inodes) {
}
