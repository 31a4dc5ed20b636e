package dev.berth.cli.berth;

import java.io.PrintStream;
import java.util.List;

/** Left-aligned columns separated by at least three spaces, as docker's tabwriter output. */
final class Tables {
    private Tables() {
    }

    static void print(PrintStream out, List<String[]> rows) {
        int columns = rows.getFirst().length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder line = new StringBuilder();
        for (String[] row : rows) {
            line.setLength(0);
            for (int c = 0; c < columns; c++) {
                line.append(row[c]);
                if (c < columns - 1) {
                    line.append(" ".repeat(widths[c] - row[c].length() + 3));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
