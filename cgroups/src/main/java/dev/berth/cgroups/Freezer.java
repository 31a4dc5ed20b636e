package dev.berth.cgroups;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Freezes and thaws one cgroup directory: the v1 freezer controller ({@link V1}) or cgroup2's
 * built-in freezer ({@link V2}, kernel 5.2+). Both wait, within {@link #timeout}, until the kernel
 * reports every process stopped, and on failure thaw the cgroup again: a cgroup left half frozen
 * would hang whatever touches it next (runc does the same, runc#2774).
 */
abstract sealed class Freezer permits Freezer.V1, Freezer.V2 {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Polls start at 1 ms and double up to this, so a quick freeze costs little and a slow one little CPU. */
    private static final long MAX_PAUSE_MS = 16;

    final CgroupFiles files;
    final Path dir;
    final Duration timeout;

    Freezer(CgroupFiles files, Path dir, Duration timeout) {
        this.files = files;
        this.dir = dir;
        this.timeout = timeout;
    }

    /** Returns once the kernel reports the cgroup FROZEN; throws (after thawing it) on timeout. */
    abstract void freeze();

    /** Thaws the cgroup; throws if it stays frozen because an ancestor is frozen. */
    abstract void thaw();

    abstract FreezerState state();

    /** Thaws after a failed freeze, keeping the freeze error as the one to report. */
    final void thawAfterFailure(RuntimeException failure) {
        try {
            thaw();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    static long nextPause(long pauseMs) {
        return Math.min(pauseMs * 2, MAX_PAUSE_MS);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CgroupException("cgroup: interrupted while waiting for the freezer", e);
        }
    }

    /**
     * The v1 freezer controller: freezer.state reads THAWED, FREEZING or FROZEN. The kernel
     * moves from FREEZING to FROZEN only when a read of freezer.state finds every task frozen
     * (update_if_frozen), and a task forked or attached while freezing can be missed; the old
     * freezer-subsystem.txt told userspace to write FROZEN again when FREEZING sticks. So, as
     * runc: write FROZEN, read back, repeat, and every 50 attempts thaw briefly so that
     * processes still arriving (a concurrent exec) can settle before the next try.
     */
    static final class V1 extends Freezer {
        static final String STATE = "freezer.state";
        private static final int THAW_EVERY = 50;

        V1(CgroupFiles files, Path dir, Duration timeout) {
            super(files, dir, timeout);
        }

        @Override
        void freeze() {
            long deadline = System.nanoTime() + timeout.toNanos();
            long pauseMs = 1;
            try {
                for (int writes = 1; ; writes++) {
                    files.write(dir, STATE, "FROZEN");
                    String state = files.read(dir, STATE);
                    if (state.equals("FROZEN")) {
                        return;
                    }
                    if (!state.equals("FREEZING")) {
                        throw new CgroupException("cgroup: freeze: " + stateFile() + " reads \"" + state
                                + "\" after writing FROZEN");
                    }
                    if (System.nanoTime() - deadline > 0) {
                        throw new CgroupException("cgroup: freeze: " + stateFile() + " still reads FREEZING after "
                                + writes + " writes of FROZEN in " + timeout.toMillis() + " ms (a process that"
                                + " does not reach the refrigerator, e.g. in uninterruptible sleep); thawed it again");
                    }
                    if (writes % THAW_EVERY == 0) {
                        files.write(dir, STATE, "THAWED");
                    }
                    sleep(pauseMs);
                    pauseMs = nextPause(pauseMs);
                }
            } catch (RuntimeException e) {
                thawAfterFailure(e);
                throw e;
            }
        }

        /**
         * Thawing is synchronous in the kernel (freezer_change_state wakes every task at once),
         * so a state other than THAWED afterwards means an ancestor is frozen.
         */
        @Override
        void thaw() {
            files.write(dir, STATE, "THAWED");
            String state = files.read(dir, STATE);
            if (!state.equals("THAWED")) {
                throw new CgroupException("cgroup: thaw: " + stateFile() + " still reads " + state + " after writing"
                        + " THAWED; freezer.parent_freezing is " + files.readIfPresent(dir, "freezer.parent_freezing")
                        + " (an ancestor cgroup is frozen)");
            }
        }

        @Override
        FreezerState state() {
            String state = files.read(dir, STATE);
            return switch (state) {
                case "THAWED" -> FreezerState.THAWED;
                case "FREEZING" -> FreezerState.FREEZING;
                case "FROZEN" -> FreezerState.FROZEN;
                default -> throw new CgroupException("cgroup: " + stateFile() + " reads unknown state \""
                        + state + "\"");
            };
        }

        private Path stateFile() {
            return dir.resolve(STATE);
        }
    }

    /**
     * cgroup2: cgroup.freeze holds what was asked ("0"/"1"), and the "frozen" key of
     * cgroup.events turns 1 once every task of the subtree is stopped (cgroup_update_frozen).
     * Unlike v1 the kernel completes the freeze by itself, so one write and polling suffice.
     */
    static final class V2 extends Freezer {
        static final String FREEZE = "cgroup.freeze";
        static final String EVENTS = "cgroup.events";

        V2(CgroupFiles files, Path dir, Duration timeout) {
            super(files, dir, timeout);
        }

        @Override
        void freeze() {
            long deadline = System.nanoTime() + timeout.toNanos();
            long pauseMs = 1;
            try {
                files.write(dir, FREEZE, "1");
                while (!frozen()) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new CgroupException("cgroup: freeze: " + dir.resolve(EVENTS)
                                + " still shows \"frozen 0\" " + timeout.toMillis() + " ms after writing 1 to "
                                + FREEZE + "; thawed it again");
                    }
                    sleep(pauseMs);
                    pauseMs = nextPause(pauseMs);
                }
            } catch (RuntimeException e) {
                thawAfterFailure(e);
                throw e;
            }
        }

        /** The kernel clears "frozen" at once on thaw (cgroup_do_freeze) unless an ancestor is frozen. */
        @Override
        void thaw() {
            files.write(dir, FREEZE, "0");
            if (frozen()) {
                throw new CgroupException("cgroup: thaw: " + dir.resolve(EVENTS) + " still shows \"frozen 1\" after"
                        + " writing 0 to " + FREEZE + " (an ancestor cgroup is frozen)");
            }
        }

        @Override
        FreezerState state() {
            if (frozen()) {
                return FreezerState.FROZEN;
            }
            String asked = files.read(dir, FREEZE);
            return switch (asked) {
                case "0" -> FreezerState.THAWED;
                case "1" -> FreezerState.FREEZING;
                default -> throw new CgroupException("cgroup: " + dir.resolve(FREEZE) + " reads unknown value \""
                        + asked + "\"");
            };
        }

        private boolean frozen() {
            for (String line : files.read(dir, EVENTS).lines().toList()) {
                if (line.startsWith("frozen ")) {
                    return line.substring("frozen ".length()).strip().equals("1");
                }
            }
            throw new CgroupException("cgroup: " + dir.resolve(EVENTS)
                    + " has no \"frozen\" key (kernel before 5.2)");
        }
    }
}
