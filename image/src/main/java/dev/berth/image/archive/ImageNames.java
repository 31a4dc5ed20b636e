package dev.berth.image.archive;

/**
 * The two ways archives spell a name. OCI layouts want only the "tag" in
 * {@code org.opencontainers.image.ref.name} (annotations.md) and keep the full name in containerd's
 * {@code io.containerd.image.name}; docker's manifest.json and repositories want repo and tag.
 * Names are otherwise kept as given: callers normalise.
 */
final class ImageNames {
    private ImageNames() {
    }

    /**
     * The reference's object, the part after the repository, as containerd's exporter writes ref.name:
     * "tag", "tag@sha256:..." or "@sha256:..."; a name with neither keeps the whole name.
     */
    static String refName(String name) {
        int slash = name.lastIndexOf('/');
        String last = name.substring(slash + 1);
        int at = last.indexOf('@');
        String tagged = at < 0 ? last : last.substring(0, at);
        String digest = at < 0 ? "" : last.substring(at);
        int colon = tagged.indexOf(':');
        String object = (colon < 0 ? "" : tagged.substring(colon + 1)) + digest;
        return object.isEmpty() ? name : object;
    }

    /**
     * Splits "repo:tag" for docker's manifest.json. docker load parses every RepoTags entry as a
     * tagged reference and fails the whole load on anything else ("invalid tag"), so names without a
     * tag, or with a digest, are refused here, before any byte is written.
     */
    static String[] repoAndTag(String name) throws ArchiveException {
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        if (name.indexOf('@') >= 0 || colon <= slash + 1 || colon == name.length() - 1) {
            throw new ArchiveException("image name '" + name
                    + "': a docker archive needs repository:tag names (docker load rejects others)");
        }
        return new String[] {name.substring(0, colon), name.substring(colon + 1)};
    }
}
