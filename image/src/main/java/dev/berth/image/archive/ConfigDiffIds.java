package dev.berth.image.archive;

import dev.berth.image.config.ImageConfigException;
import dev.berth.image.config.ImageConfigReader;
import dev.berth.image.store.Digest;
import java.util.List;

/** {@code rootfs.diff_ids} of an image config, with the reader's error as an archive error. */
final class ConfigDiffIds {
    private ConfigDiffIds() {
    }

    static List<Digest> read(byte[] config, String source) throws ArchiveException {
        try {
            return ImageConfigReader.summary(config, source).diffIds();
        } catch (ImageConfigException e) {
            throw new ArchiveException(e.getMessage(), e);
        }
    }
}
