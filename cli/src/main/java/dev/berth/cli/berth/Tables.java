package dev.berth.cli.berth;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's text/tabwriter as docker's tables use it (formatter.go: minwidth 10, tabwidth 1, padding 3,
 * padding character ' ', no flags): tab-terminated cells are aligned in columns, each as wide as
 * its widest cell plus the padding but at least the minimum width; the text after a line's last
 * tab is not part of any column. A column spans consecutive lines that all have a cell in it
 * (a "column block"), so a line with fewer cells starts new alignments below it.
 */
final class Tables {
    static final int DOCKER_MIN_WIDTH = 10;
    static final int DOCKER_PADDING = 3;

    private final List<String[]> lines = new ArrayList<>();
    private final List<Integer> widths = new ArrayList<>();
    private final int minWidth;
    private final int padding;
    private final StringBuilder out = new StringBuilder();

    private Tables(String text, int minWidth, int padding) {
        for (String line : text.split("\n", -1)) {
            lines.add(line.split("\t", -1));
        }
        this.minWidth = minWidth;
        this.padding = padding;
    }

    /** {@code text} aligned as docker prints tables. */
    static String align(String text) {
        return align(text, DOCKER_MIN_WIDTH, DOCKER_PADDING);
    }

    static String align(String text, int minWidth, int padding) {
        Tables t = new Tables(text, minWidth, padding);
        t.format(0, t.lines.size());
        return t.out.toString();
    }

    /** tabwriter's format(): the blocks of the next column within lines [from, to), recursively. */
    private void format(int from, int to) {
        int column = widths.size();
        int line0 = from;
        for (int line = from; line < to; line++) {
            if (column >= lines.get(line).length - 1) {
                continue;
            }
            write(line0, line);
            line0 = line;
            int width = minWidth;
            for (; line < to && column < lines.get(line).length - 1; line++) {
                String cell = lines.get(line)[column];
                width = Math.max(width, cell.codePointCount(0, cell.length()) + padding);
            }
            widths.add(width);
            format(line0, line);
            widths.removeLast();
            line0 = line;
        }
        write(line0, to);
    }

    private void write(int from, int to) {
        for (int i = from; i < to; i++) {
            String[] cells = lines.get(i);
            for (int j = 0; j < cells.length; j++) {
                out.append(cells[j]);
                if (j < widths.size()) {
                    out.append(" ".repeat(widths.get(j) - cells[j].codePointCount(0, cells[j].length())));
                }
            }
            if (i < lines.size() - 1) {
                out.append('\n'); // the text after the last newline has none
            }
        }
    }
}
