package dev.berth.cli;

import dev.berth.runtime.ContainerState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * runc's containerState (list.go) as JSON: fields in its struct order, annotations omitted when
 * empty ({@code omitempty}) and sorted by key (Go marshals maps sorted). {@code state} prints it
 * with json.MarshalIndent(cs, "", "  "); {@code list -f json} with json.Encoder, compact.
 */
final class StateJson {
    private final StringBuilder out = new StringBuilder(512);
    /** Two spaces per level, or null for compact output. */
    private final String indent;

    private StateJson(String indent) {
        this.indent = indent;
    }

    /**
     * What `runc state` prints: indented, and owner always "" because runc's state command never
     * fills it in (only `list` does). No trailing newline: runc writes the marshalled bytes as is.
     */
    static String indented(ContainerState state) {
        StateJson json = new StateJson("  ");
        json.object(state, "", 0);
        return json.out.toString();
    }

    /** What `runc list --format json` prints: a compact array, {@code null} when empty, then "\n". */
    static String compactList(List<ContainerState> states) {
        if (states.isEmpty()) {
            return "null\n"; // runc encodes a nil slice
        }
        StateJson json = new StateJson(null);
        json.out.append('[');
        for (int i = 0; i < states.size(); i++) {
            if (i > 0) {
                json.out.append(',');
            }
            ContainerState state = states.get(i);
            json.object(state, nonNull(state.owner()), 0);
        }
        return json.out.append("]\n").toString();
    }

    private void object(ContainerState state, String owner, int depth) {
        out.append('{');
        field("ociVersion", depth, true);
        GoJson.appendQuoted(out, nonNull(state.ociVersion()));
        field("id", depth, false);
        GoJson.appendQuoted(out, nonNull(state.id()));
        field("pid", depth, false);
        out.append(state.pid());
        field("status", depth, false);
        GoJson.appendQuoted(out, state.status() == null ? "" : state.status().word());
        field("bundle", depth, false);
        GoJson.appendQuoted(out, pathString(state.bundle()));
        field("rootfs", depth, false);
        GoJson.appendQuoted(out, pathString(state.rootfs()));
        field("created", depth, false);
        // Go's zero time.Time, which runc would print for a missing creation time.
        GoJson.appendQuoted(out, state.created() == null ? "0001-01-01T00:00:00Z" : GoJson.time(state.created()));
        Map<String, String> annotations = state.annotations();
        if (annotations != null && !annotations.isEmpty()) {
            field("annotations", depth, false);
            annotations(new TreeMap<>(annotations), depth + 1);
        }
        field("owner", depth, false);
        GoJson.appendQuoted(out, owner);
        newline(depth);
        out.append('}');
    }

    private void annotations(Map<String, String> sorted, int depth) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> entry : sorted.entrySet()) {
            field(entry.getKey(), depth, first);
            GoJson.appendQuoted(out, nonNull(entry.getValue()));
            first = false;
        }
        newline(depth);
        out.append('}');
    }

    /** Separator, line break and indentation before a key, then the key and colon. */
    private void field(String key, int depth, boolean first) {
        if (!first) {
            out.append(',');
        }
        newline(depth + 1);
        GoJson.appendQuoted(out, key);
        out.append(indent == null ? ":" : ": ");
    }

    private void newline(int depth) {
        if (indent != null) {
            out.append('\n');
            out.append(indent.repeat(depth));
        }
    }

    private static String pathString(Path path) {
        return path == null ? "" : path.toString();
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }
}
