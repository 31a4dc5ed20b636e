package dev.berth.linux;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helper: spawns children, collects their output, and kills and reaps whatever is left. */
final class Children implements AutoCloseable {
    static final Path SH = Path.of("/bin/sh");
    static final List<String> ENV = List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C");

    private final List<Integer> pids = new ArrayList<>();

    /** /bin/sh -c script, with the given fds mapped. */
    int sh(String script, Map<Integer, Fd> fdMap) {
        return spawn(SH, List.of("sh", "-c", script), ENV, fdMap);
    }

    int spawn(Path executable, List<String> argv, List<String> env, Map<Integer, Fd> fdMap) {
        int pid = Spawn.spawn(executable, argv, env, fdMap);
        pids.add(pid);
        return pid;
    }

    /** Runs the script with a socket at fd 3 and returns everything it wrote there. */
    String output(String script) {
        try (SocketPair pair = SocketPair.create()) {
            int pid = sh(script, Map.of(3, pair.childEnd()));
            pair.childEnd().close();
            String out = readToEnd(pair.parentEnd());
            waitFor(pid);
            return out;
        }
    }

    WaitStatus waitFor(int pid) {
        WaitStatus status = Processes.waitpid(pid, false);
        pids.remove(Integer.valueOf(pid));
        return status;
    }

    static String readToEnd(Fd fd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = fd.read(buf, 0, buf.length)) >= 0; ) out.write(buf, 0, n);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Kills and reaps every child not yet waited for. */
    @Override
    public void close() {
        for (int pid : pids) {
            if (Processes.waitpid(pid, true) == null) {
                Processes.kill(pid, Signals.SIGKILL);
                Processes.waitpid(pid, false);
            }
        }
        pids.clear();
    }
}
