package dev.berth.runtime;


import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The runtime's state directory: ROOT/ID/ holds state.json and, while the container waits for
 * `start`, exec.fifo. The directory itself is the lock on the ID: mkdir is atomic, so two creates
 * of one ID cannot both succeed.
 */
final class StateStore {
    /** runc's rule for IDs; also keeps an ID from naming a path outside ROOT. */
    private static final Pattern VALID_ID = Pattern.compile("^[\\w+\\-.]+$");
    static final String STATE_FILE = "state.json";
    static final String EXEC_FIFO = "exec.fifo";
    /** config.json as the container was created from it. */
    static final String CONFIG_COPY = "config.json";

    private final Path root;

    StateStore(Path root) {
        this.root = root;
    }

    static void checkId(String id) {
        if (id == null || id.isEmpty()) {
            throw new RuntimeFailure("container id cannot be empty");
        }
        if (!VALID_ID.matcher(id).matches() || id.equals(".") || id.equals("..")) {
            throw new RuntimeFailure("invalid container id format: " + id);
        }
    }

    Path dir(String id) {
        checkId(id);
        return root.resolve(id);
    }

    Path execFifo(String id) {
        return dir(id).resolve(EXEC_FIFO);
    }

    /** Creates ROOT/ID, failing as runc does when the ID is taken. */
    Path reserve(String id) {
        Path dir = dir(id);
        try {
            Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            throw new RuntimeFailure("container with id exists: " + id);
        } catch (IOException e) {
            throw new RuntimeFailure("create state directory " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    boolean exists(String id) {
        return Files.isDirectory(dir(id));
    }

    /** The record, or null while the container is still being created. */
    ContainerRecord load(String id) {
        Path dir = dir(id);
        if (!Files.isDirectory(dir)) {
            throw new ContainerNotFoundException(id);
        }
        try {
            return StateFile.read(dir.resolve(STATE_FILE));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new RuntimeFailure("read state of " + id + ": " + e.getMessage(), e);
        }
    }

    void save(ContainerRecord record) {
        try {
            StateFile.write(dir(record.id()).resolve(STATE_FILE), record);
        } catch (IOException e) {
            throw new RuntimeFailure("write state of " + record.id() + ": " + e.getMessage(), e);
        }
    }

    /** Removes ROOT/ID and the files berth put there; nothing else lives in it. */
    void remove(String id) {
        Path dir = dir(id);
        try {
            for (String name : List.of(STATE_FILE, EXEC_FIFO, CONFIG_COPY, STATE_FILE + ".tmp")) {
                Files.deleteIfExists(dir.resolve(name));
            }
            try (Stream<Path> rest = Files.list(dir)) {
                for (Path leftover : rest.toList()) {
                    Files.deleteIfExists(leftover);
                }
            }
            Files.deleteIfExists(dir);
        } catch (NoSuchFileException e) {
            // already gone: a concurrent delete won the race, which is fine
        } catch (IOException e) {
            throw new RuntimeFailure("remove state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    List<String> ids() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(id -> VALID_ID.matcher(id).matches()).sorted().forEach(ids::add);
        } catch (IOException e) {
            throw new RuntimeFailure("list " + root + ": " + e.getMessage(), e);
        }
        return ids;
    }
}
