package dev.berth.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The two fields of /proc/PID/stat (proc(5)) the lifecycle needs: the state letter, to tell a
 * zombie from a live process (kill(pid, 0) succeeds on both), and the start time, to tell our
 * process from an unrelated one that reused its PID.
 */
record ProcStat(char state, long startTime) {

    /** Null when no such process exists. */
    static ProcStat read(int pid) {
        String line;
        try {
            line = ProcFiles.read(Path.of("/proc", Integer.toString(pid), "stat"));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("No such process")) {
                return null;
            }
            throw new RuntimeFailure("read /proc/" + pid + "/stat: " + e.getMessage(), e);
        }
        // comm (field 2) is in parentheses and may itself contain spaces and ')'.
        String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        // fields[0] is field 3 (state); starttime is field 22, so fields[19].
        return new ProcStat(fields[0].charAt(0), Long.parseLong(fields[19]));
    }

    boolean isZombieOrDead() {
        return state == 'Z' || state == 'X' || state == 'x';
    }

    /** Whether {@code pid} is alive and is still the process that had {@code startTime}. */
    static boolean isRunning(int pid, long startTime) {
        if (pid <= 0) {
            return false;
        }
        ProcStat stat = read(pid);
        return stat != null && !stat.isZombieOrDead() && stat.startTime() == startTime;
    }
}
