package dev.berth.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Starting processes with posix_spawn(3). The JVM never forks: glibc's posix_spawn uses
 * clone(CLONE_VM | CLONE_VFORK), so no copy of the JVM's threads or heap is made, and the child's
 * preparation (the file actions below) runs in glibc's C code between clone and execve.
 */
public final class Spawn {
    /** Duplicates of mapped fds are parked at or above this number (and above every target). */
    private static final int TEMPORARY_FD_FLOOR = 100;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    // Opaque glibc structs, allocated generously: posix_spawn_file_actions_t is 80 bytes,
    // posix_spawnattr_t 336 and sigset_t 128 on x86_64 glibc 2.36.
    private static final long FILE_ACTIONS_SIZE = 256;
    private static final long SPAWN_ATTR_SIZE = 1024;
    private static final long SIGSET_SIZE = 256;

    private Spawn() {}

    /** Whether glibc (2.34+) can close every fd above the mapped ones; checked and logged once. */
    private static final class CloseFrom {
        static final boolean AVAILABLE = check();

        private static boolean check() {
            boolean available = Libc.hasAddCloseFrom();
            if (!available) {
                System.getLogger(Spawn.class.getName()).log(System.Logger.Level.WARNING,
                        "glibc lacks posix_spawn_file_actions_addclosefrom_np (glibc < 2.34): fds of"
                                + " this JVM that are not close-on-exec will leak into spawned processes");
            }
            return available;
        }
    }

    /**
     * posix_spawn(3) of {@code executable} (no PATH search) with the given argv and environment.
     *
     * <p>The child gets: fds 0, 1, 2 as ours unless mapped; each {@code fdMap} entry's fd at the
     * given number, without close-on-exec; and no other fd — numbers between 3 and the highest
     * mapped one are closed, and (glibc 2.34+) everything above too, so an fd the JVM opened
     * without O_CLOEXEC cannot leak in. Every signal starts with its default action and none is
     * blocked: the JVM blocks SIGQUIT on its Java threads and may ignore others (e.g. under
     * nohup), and both the mask and ignored dispositions would otherwise survive execve(2).
     *
     * @param argv  the argument vector, argv[0] first (not empty)
     * @param env   "NAME=value" strings
     * @param fdMap fd number in the child to our fd that goes there; ours stay open
     * @return the child's pid; reap it with {@link Processes#waitpid}
     * @throws SyscallException "posix_spawn `/path`: ENOENT (...)" if it cannot be executed
     */
    public static int spawn(Path executable, List<String> argv, List<String> env, Map<Integer, Fd> fdMap) {
        if (argv.isEmpty()) throw new IllegalArgumentException("argv is empty: argv[0] is required");
        SortedMap<Integer, Fd> targets = validated(fdMap);
        String exe = executable.toString();
        List<Fd> temporaries = new ArrayList<>();
        try {
            SortedMap<Integer, Fd> sources = duplicateAboveTargets(targets, temporaries);
            try (Arena arena = Arena.ofConfined()) {
                // These functions return their error; errno is captured only because every call
                // of Libc shares one shape, and is not read.
                MemorySegment st = Libc.errnoState(arena);
                MemorySegment fileActions = arena.allocate(FILE_ACTIONS_SIZE, 16);
                check(Libc.fileActionsInit(st, fileActions), "posix_spawn_file_actions_init", exe);
                try {
                    addFileActions(st, fileActions, sources, exe);
                    return spawnWithDefaultSignals(arena, st, exe, argv, env, fileActions);
                } finally {
                    Libc.fileActionsDestroy(st, fileActions);
                }
            }
        } finally {
            closeTemporaries(temporaries);
        }
    }

    private static SortedMap<Integer, Fd> validated(Map<Integer, Fd> fdMap) {
        SortedMap<Integer, Fd> targets = new TreeMap<>();
        for (Map.Entry<Integer, Fd> entry : fdMap.entrySet()) {
            Integer target = entry.getKey();
            Fd fd = entry.getValue();
            if (target == null || target < 0) {
                throw new IllegalArgumentException("bad child fd number: " + target);
            }
            if (fd == null || !fd.isOpen()) {
                throw new IllegalArgumentException("child fd " + target + ": " + fd + " is not open");
            }
            targets.put(target, fd);
        }
        return targets;
    }

    /**
     * Duplicates every source fd (close-on-exec) to a number above all targets, so that the
     * child's dup2 calls cannot clobber one another (mapping 3-&gt;4 and 4-&gt;5 in either order
     * loses a source), and so that every mapped fd is really dup2'ed to a different number: older
     * glibc versions leave FD_CLOEXEC set on adddup2(fd, fd).
     */
    private static SortedMap<Integer, Fd> duplicateAboveTargets(
            SortedMap<Integer, Fd> targets, List<Fd> temporaries) {
        int floor = targets.isEmpty()
                ? TEMPORARY_FD_FLOOR
                : Math.max(TEMPORARY_FD_FLOOR, targets.lastKey() + 1);
        SortedMap<Integer, Fd> sources = new TreeMap<>();
        for (Map.Entry<Integer, Fd> entry : targets.entrySet()) {
            Fd temporary = entry.getValue().duplicateAtLeast(floor);
            temporaries.add(temporary);
            sources.put(entry.getKey(), temporary);
        }
        return sources;
    }

    /** dup2 each temporary to its target, then close every other fd number from 3 up. */
    private static void addFileActions(MemorySegment st,
            MemorySegment fileActions, SortedMap<Integer, Fd> sources, String exe) {
        for (Map.Entry<Integer, Fd> entry : sources.entrySet()) {
            check(Libc.fileActionsAddDup2(st, fileActions, entry.getValue().number(), entry.getKey()),
                    "posix_spawn_file_actions_adddup2", exe);
        }
        int highestTarget = sources.isEmpty() ? 2 : Math.max(2, sources.lastKey());
        // glibc ignores EBADF from these closes in the child (only out-of-range numbers fail),
        // so numbers that are not open are harmless.
        for (int n = 3; n < highestTarget; n++) {
            if (!sources.containsKey(n)) {
                check(Libc.fileActionsAddClose(st, fileActions, n), "posix_spawn_file_actions_addclose", exe);
            }
        }
        if (CloseFrom.AVAILABLE) {
            check(Libc.fileActionsAddCloseFrom(st, fileActions, highestTarget + 1),
                    "posix_spawn_file_actions_addclosefrom_np", exe);
        }
    }

    private static int spawnWithDefaultSignals(Arena arena, MemorySegment st, String exe, List<String> argv,
            List<String> env, MemorySegment fileActions) {
        MemorySegment attr = arena.allocate(SPAWN_ATTR_SIZE, 16);
        check(Libc.spawnAttrInit(st, attr), "posix_spawnattr_init", exe);
        try {
            // Arena memory starts zeroed: an empty sigset_t, as sigemptyset(3) would make it.
            MemorySegment noSignals = arena.allocate(SIGSET_SIZE, 8);
            MemorySegment allSignals = everySignal(arena);
            check(Libc.spawnAttrSetSigmask(st, attr, noSignals), "posix_spawnattr_setsigmask", exe);
            // glibc resets each signal of the set with rt_sigaction and ignores the failures
            // for SIGKILL and SIGSTOP, so the full set is fine.
            check(Libc.spawnAttrSetSigdefault(st, attr, allSignals), "posix_spawnattr_setsigdefault", exe);
            check(Libc.spawnAttrSetFlags(st, attr, (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)),
                    "posix_spawnattr_setflags", exe);
            MemorySegment pid = arena.allocate(JAVA_INT);
            int error = Libc.posixSpawn(st, pid, Libc.cString(arena, exe), fileActions, attr,
                    cStringArray(arena, argv), cStringArray(arena, env));
            // posix_spawn returns the error (including execve's, which glibc passes back from the
            // child) instead of setting errno.
            check(error, "posix_spawn", exe);
            return pid.get(JAVA_INT, 0);
        } finally {
            Libc.spawnAttrDestroy(st, attr);
        }
    }

    /**
     * A sigset_t with every bit set, signals 32 and 33 included. That is glibc's sigfillset(3)
     * (a memset of 0xff) without its last step, which clears 32 and 33 because NPTL uses them
     * internally: posix_spawn sets those two to SIG_IGN in the child unless they are in the
     * set-to-default set, and an ignored disposition survives execve(2), so the program would
     * start with them ignored. Filled here rather than by calling sigfillset: a downcall fewer.
     */
    private static MemorySegment everySignal(Arena arena) {
        return arena.allocate(SIGSET_SIZE, 8).fill((byte) 0xff);
    }

    /**
     * A NULL-terminated {@code char *[]}, as execve(2) wants argv and envp. The pointers are
     * written as longs (berth runs on 64-bit Linux only): an ADDRESS access goes through an
     * adapted VarHandle whose classes a cold JVM spins on first use. The array starts zeroed, so
     * its last element is already NULL.
     */
    private static MemorySegment cStringArray(Arena arena, List<String> strings) {
        MemorySegment array = arena.allocate(JAVA_LONG, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) {
            array.setAtIndex(JAVA_LONG, i, Libc.address(Libc.cString(arena, strings.get(i))));
        }
        return array;
    }

    private static void check(int error, String function, String exe) {
        if (error != 0) throw new SyscallException(function, error, exe);
    }

    /**
     * Closes the parked duplicates. A failure is only logged: by now the child may be running,
     * and throwing would lose its pid.
     */
    private static void closeTemporaries(List<Fd> temporaries) {
        for (Fd temporary : temporaries) {
            try {
                temporary.close();
            } catch (SyscallException e) {
                System.getLogger(Spawn.class.getName()).log(System.Logger.Level.WARNING,
                        "closing temporary " + temporary + " after posix_spawn failed", e);
            }
        }
    }
}
