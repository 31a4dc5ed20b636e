package dev.berth.runtime.config;

import java.util.ArrayList;
import java.util.List;

/** Where the launcher looks for args[0]. */
final class ProcessPaths {
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ProcessPaths() {
    }

    /**
     * As given if it has a '/', else each PATH directory of the process's own environment in
     * order, as execvp(3) searches; the launcher takes the first regular executable file.
     */
    static List<String> execCandidates(String arg0, List<String> env) {
        if (arg0.contains("/")) {
            return List.of(arg0);
        }
        String path = DEFAULT_PATH;
        for (String entry : env) {
            if (entry.startsWith("PATH=")) {
                path = entry.substring(5);
            }
        }
        List<String> candidates = new ArrayList<>();
        for (String dir : path.split(":", -1)) {
            // An empty PATH element means the current directory.
            candidates.add((dir.isEmpty() ? "." : dir) + "/" + arg0);
        }
        return candidates;
    }
}
