package dev.berth.cgroups;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** What the v1 and v2 cgroups share: a directory per hierarchy and the list of directories made. */
abstract sealed class FsCgroup implements Cgroup permits V1Cgroup, V2Cgroup {
    private static final class Log {
        static final System.Logger LOGGER = System.getLogger(FsCgroup.class.getName());
    }

    private static final String KILL = "cgroup.kill";

    final CgroupFiles files;
    private final String driver;
    /** Controller (or {@link CgroupRecord#UNIFIED}) to this cgroup's directory in its hierarchy. */
    final Map<String, Path> paths;
    /** Directories berth created, parents first. */
    final List<Path> created;

    FsCgroup(CgroupFiles files, String driver, Map<String, Path> paths, List<Path> created) {
        this.files = files;
        this.driver = driver;
        this.paths = new LinkedHashMap<>(paths);
        this.created = new ArrayList<>(created);
    }

    /** Writes the set fields of {@code resources}, enabling controllers first where needed. */
    abstract void apply(Resources resources);

    /** The directory whose cgroup.procs (and children's) {@link #processes()} reads. */
    abstract Path processesDir();

    /** The freezer to use, or null when the host has none. */
    abstract Freezer freezer();

    /** This cgroup's directory in the cgroup2 hierarchy, or null on a host without one. */
    abstract Path unifiedDir();

    /** Reads the statistics of an existing cgroup. */
    abstract Stats readStats();

    /** Called after cgroup.kill was written, e.g. to thaw a v1-frozen cgroup. */
    abstract void afterKill();

    @Override
    public final CgroupRecord record() {
        Map<String, String> byController = new LinkedHashMap<>();
        paths.forEach((controller, dir) -> byController.put(controller, dir.toString()));
        return new CgroupRecord(driver, byController, created.stream().map(Path::toString).toList());
    }

    /** Each hierarchy's directory once, in a stable order (co-mounted controllers share one). */
    final Set<Path> hierarchyDirs() {
        return new TreeSet<>(paths.values());
    }

    @Override
    public final void addProcess(int pid) {
        if (pid <= 0) {
            throw new CgroupException("cgroup: cannot add pid " + pid + " to " + processesDir());
        }
        for (Path dir : hierarchyDirs()) {
            files.write(dir, "cgroup.procs", Integer.toString(pid));
        }
    }

    @Override
    public final List<Integer> processes() {
        return files.pidsBelow(processesDir());
    }

    @Override
    public final void update(Resources resources) {
        apply(resources);
    }

    @Override
    public final boolean exists() {
        return paths.values().stream().anyMatch(Files::isDirectory);
    }

    @Override
    public final void freeze() {
        requireFreezer("freeze").freeze();
    }

    @Override
    public final void thaw() {
        requireFreezer("thaw").thaw();
    }

    @Override
    public final FreezerState freezerState() {
        Freezer freezer = freezer();
        return freezer == null ? FreezerState.THAWED : freezer.state();
    }

    private Freezer requireFreezer(String operation) {
        Freezer freezer = freezer();
        if (freezer == null) {
            Path unified = unifiedDir();
            throw new CgroupException("cgroup: " + operation + ": no freezer: the v1 freezer controller is not"
                    + " mounted and " + (unified == null ? "there is no cgroup2 hierarchy"
                    : unified.resolve(Freezer.V2.FREEZE) + " does not exist (it needs kernel 5.2+)"));
        }
        return freezer;
    }

    /**
     * A cgroup2 freezer for {@code dir}, or null when the kernel lacks cgroup.freeze; a directory
     * that is gone still gets one, so that using it reports the missing file.
     */
    final Freezer unifiedFreezer(Path dir) {
        if (dir == null || (Files.isDirectory(dir) && !files.exists(dir, Freezer.V2.FREEZE))) {
            return null;
        }
        return new Freezer.V2(files, dir, Freezer.DEFAULT_TIMEOUT);
    }

    @Override
    public final boolean supportsKill() {
        Path dir = unifiedDir();
        return dir != null && files.exists(dir, KILL);
    }

    @Override
    public final void kill() {
        Path dir = unifiedDir();
        if (dir == null) {
            throw new CgroupException("cgroup: kill: this host has no cgroup2 hierarchy, hence no cgroup.kill");
        }
        if (!files.exists(dir, KILL)) {
            throw new CgroupException("cgroup: kill: " + dir.resolve(KILL) + " does not exist (it needs kernel 5.14+)");
        }
        files.write(dir, KILL, "1");
        afterKill();
    }

    @Override
    public final Stats stats() {
        if (!exists()) {
            throw new CgroupException("cgroup: stats: the cgroup no longer exists: " + hierarchyDirs());
        }
        return readStats();
    }

    @Override
    public final void destroy() {
        Set<Path> leaves = Set.copyOf(paths.values());
        CgroupException failure = null;
        for (Path dir : created.reversed()) {
            try {
                if (leaves.contains(dir)) {
                    // Retry only until one leaf proved busy: the others wait on the same processes.
                    boolean retry = failure == null;
                    removeChildCgroups(dir, retry);
                    files.rmdir(dir, retry);
                } else {
                    removeParentUnlessShared(dir);
                }
            } catch (CgroupException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * A parent berth made for this cgroup may since have gained a sibling (another container under
     * the same parent, even one created while we look); it then stays, and whoever empties it
     * last does not own it. berth never puts processes in a parent, so no retry is needed.
     */
    private void removeParentUnlessShared(Path dir) {
        try {
            if (files.childCgroups(dir).isEmpty()) {
                files.rmdir(dir, false);
                return;
            }
        } catch (CgroupException e) {
            if (files.childCgroups(dir).isEmpty()) {
                throw e;
            }
        }
        Log.LOGGER.log(System.Logger.Level.DEBUG, "cgroup: leaving {0}: it holds other cgroups", dir);
    }

    /**
     * Child cgroups of a leaf berth created were made by the container inside its own cgroup (a
     * nested runtime, systemd); the leaf cannot be removed before them (rmdir fails with EBUSY).
     */
    private void removeChildCgroups(Path dir, boolean retry) {
        for (Path child : files.childCgroups(dir)) {
            removeChildCgroups(child, retry);
            files.rmdir(child, retry);
        }
    }

    /** Undoes a failed create: removes what was made, deepest first, keeping the first error. */
    static void removeAfterFailure(CgroupFiles files, List<Path> created, RuntimeException failure) {
        boolean retry = true;
        for (Path dir : created.reversed()) {
            try {
                files.rmdir(dir, retry);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
                retry = false;
            }
        }
    }
}
