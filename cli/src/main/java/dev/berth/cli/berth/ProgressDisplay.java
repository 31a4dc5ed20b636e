package dev.berth.cli.berth;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One status line per layer, as docker pull and push show them. On a terminal the lines are
 * redrawn in place (ANSI cursor-up and erase-line, ECMA-48 CUU and EL) at most ten times a second;
 * otherwise, for logs and CI, only changes of state are printed, one line each, never a byte count.
 * Thread-safe: layers are transferred in parallel.
 */
final class ProgressDisplay {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 40;

    private final PrintStream out;
    private final boolean terminal;
    private final boolean quiet;
    private final Map<String, String> lines = new LinkedHashMap<>();
    private int drawn;
    private long lastDraw;

    ProgressDisplay(PrintStream out, boolean terminal, boolean quiet) {
        this.out = out;
        this.terminal = terminal;
        this.quiet = quiet;
    }

    boolean quiet() {
        return quiet;
    }

    /** A line of its own above the layer lines (e.g. "Digest: sha256:..."). */
    synchronized void message(String text) {
        if (quiet) {
            return;
        }
        if (terminal) {
            redraw();
            drawn = 0;
            lines.clear();
        }
        out.println(text);
    }

    /** A new state of one layer ("Pulling fs layer", "Download complete", "Already exists"). */
    synchronized void state(String id, String state) {
        if (quiet) {
            return;
        }
        lines.put(id, state);
        if (terminal) {
            redraw();
        } else {
            out.println(id + ": " + state);
        }
    }

    /** Bytes moved so far for one layer; shown only on a terminal. */
    synchronized void progress(String id, String action, long done, long total) {
        if (quiet || !terminal) {
            return;
        }
        lines.put(id, action + " " + bar(done, total) + " " + Sizes.human(done) + "/" + Sizes.human(total));
        long now = System.nanoTime();
        if (now - lastDraw >= REDRAW_NANOS) {
            redraw();
        }
    }

    /** Draws the final state of every line. */
    synchronized void finish() {
        if (terminal && !quiet) {
            redraw();
        }
    }

    private void redraw() {
        StringBuilder frame = new StringBuilder();
        if (drawn > 0) {
            frame.append("\033[").append(drawn).append('A');
        }
        for (Map.Entry<String, String> line : lines.entrySet()) {
            frame.append("\r\033[2K").append(line.getKey()).append(": ").append(line.getValue()).append('\n');
        }
        out.print(frame);
        out.flush();
        drawn = lines.size();
        lastDraw = System.nanoTime();
    }

    static String bar(long done, long total) {
        int filled = total <= 0 ? 0 : (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
        StringBuilder bar = new StringBuilder("[");
        bar.append("=".repeat(filled));
        if (filled < BAR_WIDTH) {
            bar.append('>').append(" ".repeat(BAR_WIDTH - filled - 1));
        }
        return bar.append(']').toString();
    }
}
