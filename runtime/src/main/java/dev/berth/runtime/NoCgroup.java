package dev.berth.runtime;

import dev.berth.cgroups.Cgroup;
import dev.berth.cgroups.CgroupRecord;
import dev.berth.cgroups.FreezerState;
import dev.berth.cgroups.Resources;
import dev.berth.cgroups.Stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The "cgroup" of a rootless container that asked for no limits: an unprivileged user may not
 * create cgroups (unless a v2 subtree was delegated to it), so there is none. Its processes are
 * those in the container's pid namespace, found through /proc.
 */
final class NoCgroup implements Cgroup {
    static final String DRIVER = "none";
    static final CgroupRecord RECORD = new CgroupRecord(DRIVER, java.util.Map.of(), List.of());

    private final int initPid;

    /** @param initPid the container's init, whose pid namespace holds its processes; 0 if unknown */
    NoCgroup(int initPid) {
        this.initPid = initPid;
    }

    @Override
    public CgroupRecord record() {
        return RECORD;
    }

    @Override
    public void addProcess(int pid) {
        // Nothing to join.
    }

    @Override
    public List<Integer> processes() {
        List<Integer> pids = new ArrayList<>();
        if (initPid <= 0) {
            return pids;
        }
        try {
            Path theirs = Files.readSymbolicLink(Path.of("/proc", Integer.toString(initPid), "ns", "pid"));
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path proc : procs.toList()) {
                    String name = proc.getFileName().toString();
                    if (name.chars().allMatch(Character::isDigit) && sameNamespace(proc, theirs)) {
                        pids.add(Integer.parseInt(name));
                    }
                }
            }
        } catch (IOException e) {
            return pids; // the init is gone: so is its namespace
        }
        return pids;
    }

    private static boolean sameNamespace(Path proc, Path namespace) {
        try {
            return Files.readSymbolicLink(proc.resolve("ns/pid")).equals(namespace);
        } catch (IOException e) {
            return false; // exited, or not ours to look at
        }
    }

    private static RuntimeFailure unavailable(String what) {
        return new RuntimeFailure(what + " needs a cgroup, and this rootless container has none");
    }

    @Override
    public void update(Resources resources) {
        throw unavailable("update");
    }

    @Override
    public void destroy() {
        // Nothing was made.
    }

    @Override
    public boolean exists() {
        return true;
    }

    @Override
    public void freeze() {
        throw unavailable("pause");
    }

    @Override
    public void thaw() {
        throw unavailable("resume");
    }

    @Override
    public FreezerState freezerState() {
        return FreezerState.THAWED;
    }

    @Override
    public boolean supportsKill() {
        return false;
    }

    @Override
    public void kill() {
        throw unavailable("cgroup.kill");
    }

    @Override
    public Stats stats() {
        throw unavailable("stats");
    }

    @Override
    public long oomKillCount() {
        return 0;
    }
}
