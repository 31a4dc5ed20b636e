package dev.berth.image.snapshot;

/** A snapshot of that key or name exists already (e.g. another process committed it first). */
public final class SnapshotExistsException extends SnapshotException {
    private final String key;

    public SnapshotExistsException(String key) {
        super("snapshot '" + key + "' already exists");
        this.key = key;
    }

    public String key() {
        return key;
    }
}
