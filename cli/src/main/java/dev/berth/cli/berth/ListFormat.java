package dev.berth.cli.berth;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.List;

/**
 * docker's --format for listing verbs (docker/cli cli/command/formatter/formatter.go): "table"
 * and a template give a header row and columns aligned by a tabwriter; "json" gives one JSON
 * object per row; anything else is a template printed once per row, each followed by a newline.
 * As docker, "\t" and "\n" written in the format (as two characters) are a tab and a newline.
 */
final class ListFormat {
    private static final String TABLE = "table";
    private static final String JSON = "json";

    private final boolean table;
    private final boolean json;
    private final GoTemplate template;

    private ListFormat(boolean table, boolean json, GoTemplate template) {
        this.table = table;
        this.json = json;
        this.template = template;
    }

    /** @throws GoTemplate.TemplateException when the template does not parse */
    static ListFormat of(String format) {
        boolean table = format.startsWith(TABLE);
        boolean json = format.equals(JSON);
        String text = table ? format.substring(TABLE.length()) : json ? "" : format;
        return new ListFormat(table, json, json ? null : GoTemplate.parse(unescape(trimSpaces(text))));
    }

    /** True if the format names a field: docker shows digests only when asked (image.go needDigest). */
    static boolean mentions(String format, String field) {
        return format.contains("{{." + field + "}}");
    }

    /**
     * The rows formatted; all rows are formatted before anything is printed, so a template that
     * fails on some row prints nothing (docker buffers the same way).
     *
     * @param header field name to column name, for the header row of a table
     */
    void print(PrintStream out, List<? extends JsonNode> rows, JsonNode header) {
        StringBuilder text = new StringBuilder();
        if (table) {
            text.append(template.executeHeader(header)).append('\n');
        }
        for (JsonNode row : rows) {
            // docker's "json" is {{json .}} on its row object, whose MarshalJSON is json.Marshal's:
            // sorted keys (the rows keep them sorted) and HTML escaping, unlike its json function.
            text.append(json ? GoValues.json(row, true) : template.execute(row)).append('\n');
        }
        out.print(table ? Tables.align(text.toString()) : text);
    }

    /** strings.Trim(format, " "): spaces only, not tabs or newlines. */
    private static String trimSpaces(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == ' ') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(start, end);
    }

    private static String unescape(String s) {
        return s.replace("\\t", "\t").replace("\\n", "\n");
    }
}
