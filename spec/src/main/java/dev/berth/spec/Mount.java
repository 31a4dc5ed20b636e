package dev.berth.spec;

import java.util.List;

/**
 * One entry of config.json's {@code mounts} (config.md "Mounts"); made in the listed order.
 *
 * @param destination where inside the container; MUST be absolute on Linux
 * @param type the filesystem type (ignored for bind mounts)
 * @param source a device, a directory (relative to the bundle for bind mounts) or a dummy name
 * @param options mount(8)-style options; see {@link MountOptions#parse}
 * @param uidMappings id mapping of an id-mapped mount
 * @param gidMappings id mapping of an id-mapped mount
 */
public record Mount(
        String destination,
        String type,
        String source,
        List<String> options,
        List<IdMapping> uidMappings,
        List<IdMapping> gidMappings) {

    /** A mount without id mappings. */
    public Mount(String destination, String type, String source, List<String> options) {
        this(destination, type, source, options, null, null);
    }

    /** The options parsed into mount(2) flags and data. */
    public MountOptions parsedOptions() {
        return MountOptions.parse(options == null ? List.of() : options);
    }
}
