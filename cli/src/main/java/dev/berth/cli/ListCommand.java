package dev.berth.cli;

import dev.berth.runtime.ContainerState;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** `list`: a table like runc's (Go tabwriter), a JSON array, or only the IDs. */
final class ListCommand implements Verb {
    enum Format { TABLE, JSON }

    private final OptionSpec format = OptionSpec.builder("-f", "--format").type(Format.class).arity("1")
            .paramLabel("table|json").defaultValue("table")
            .description("select one of: table or json (default: table)").build();
    private final OptionSpec quiet = Args.flag("display only container IDs", "-q", "--quiet");

    @Override
    public CommandSpec spec() {
        return Args.command(this, "list", "lists containers started by berth-runtime with the given root")
                .addOption(format).addOption(quiet);
    }

    @Override
    public int run(CliContext context) {
        List<ContainerState> states = context.runtime().list();
        if (Args.isSet(quiet)) {
            states.forEach(state -> context.out.println(state.id()));
        } else if (Args.value(format) == Format.JSON) {
            context.out.print(StateJson.compactList(states));
        } else {
            context.out.print(table(states));
        }
        context.out.flush();
        return 0;
    }

    /**
     * runc writes the table through tabwriter.NewWriter(out, 12, 1, 3, ' ', 0): each tab-terminated
     * column is as wide as its widest cell plus 3 spaces, at least 12; the last field (OWNER) is not
     * tab-terminated, so it is not padded.
     */
    static String table(List<ContainerState> states) {
        String[][] rows = new String[states.size() + 1][];
        rows[0] = new String[] {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};
        for (int i = 0; i < states.size(); i++) {
            ContainerState state = states.get(i);
            rows[i + 1] = new String[] {
                state.id(),
                Integer.toString(state.pid()),
                state.status() == null ? "" : state.status().word(),
                state.bundle() == null ? "" : state.bundle().toString(),
                state.created() == null ? "0001-01-01T00:00:00Z" : GoJson.time(state.created()),
                state.owner() == null ? "" : state.owner()
            };
        }
        int columns = rows[0].length;
        int[] widths = new int[columns - 1];
        for (String[] row : rows) {
            for (int c = 0; c < columns - 1; c++) {
                widths[c] = Math.max(widths[c], Math.max(12, width(row[c]) + 3));
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int c = 0; c < columns - 1; c++) {
                out.append(row[c]).append(" ".repeat(widths[c] - width(row[c])));
            }
            out.append(row[columns - 1]).append('\n');
        }
        return out.toString();
    }

    /** tabwriter counts UTF-8 runes, i.e. code points. */
    private static int width(String cell) {
        return cell.codePointCount(0, cell.length());
    }
}
