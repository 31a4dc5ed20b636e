package dev.berth.image.service;

/**
 * The outcome of a pull.
 *
 * @param name    the normalised name now pointing at the image
 * @param image   the image, resolved to the platform pulled
 * @param changed false when the name already pointed at this very manifest or index ("Image is up to date")
 */
public record PulledImage(String name, LocalImage image, boolean changed) {
}
