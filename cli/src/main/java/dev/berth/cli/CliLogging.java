package dev.berth.cli;

import java.io.PrintStream;

/**
 * Logging set-up for command lines other than the runtime's. berth-runtime logs at info like runc
 * (containerd reads those lines); bin/berth is for people, who want warnings and errors only,
 * unless they ask for --debug.
 */
public final class CliLogging {
    private CliLogging() {
    }

    public static void forPeople(PrintStream stderr, boolean debug) {
        LogOutput.configure(debug ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, stderr);
    }
}
