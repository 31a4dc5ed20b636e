package dev.berth.cli.berth;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cli.Args;
import dev.berth.image.service.HistoryEntry;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `image history IMAGE` (alias `history`): the build steps of an image, newest first, in docker's
 * columns and through its default table template (docker/cli cli/command/formatter/history.go).
 * Only the newest step has an ID; the others show {@code <missing>}, as docker shows them for
 * pulled images, whose intermediate steps were never images on this machine.
 */
final class ImageHistoryCommand implements BerthVerb {
    /** docker's defaultHistoryTableFormat; the tabs are real ones. */
    static final String DEFAULT_TABLE = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
    static final String MISSING = "<missing>";
    /** history.go truncates CREATED BY to this display width, the last cell an ellipsis. */
    private static final int CREATED_BY_WIDTH = 45;

    private final OptionSpec quiet = Args.flag("only show image IDs", "-q", "--quiet");
    private final OptionSpec noTrunc = Args.flag("don't truncate output", "--no-trunc");
    private final OptionSpec platform = Args.option(String.class, "<os/arch[/variant]>",
            "platform to show an index's image for (default: this machine's)", "--platform");
    private final OptionSpec format = Args.option(String.class, "<format>",
            "'table', 'table TEMPLATE', 'json', or a Go template, e.g. '{{.CreatedBy}}'", "--format");
    private final PositionalParamSpec image = Args.positional(0, "IMAGE", "an image name or ID", true);

    @Override
    public CommandSpec spec() {
        return Args.command(this, "history", "show the history of an image").addOption(quiet).addOption(noTrunc)
                .addOption(platform).addOption(format).addPositional(image);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        String given = Args.value(format);
        // As docker's NewHistoryFormat: -q replaces the default table only, not a --format given.
        boolean table = given == null || given.isEmpty() || given.equals("table");
        String chosen = table ? (Args.isSet(quiet) ? "{{.ID}}" : DEFAULT_TABLE) : given;
        ListFormat list;
        try {
            list = ListFormat.of(chosen);
        } catch (GoTemplate.TemplateException e) {
            context.err.println("berth: template parsing error: " + e.getMessage());
            return 2;
        }
        List<HistoryEntry> entries = context.images().history(Args.value(image),
                BerthContext.platform(Args.value(platform)));
        List<ObjectNode> rows = new ArrayList<>();
        Instant now = Instant.now();
        for (HistoryEntry entry : entries) {
            rows.add(row(entry, Args.isSet(noTrunc), now, ZoneId.systemDefault()));
        }
        list.print(context.out, rows, header());
        return 0;
    }

    /** One row as docker's historyContext shows it; keys sorted as json.Marshal writes them. */
    static ObjectNode row(HistoryEntry entry, boolean noTrunc, Instant now, ZoneId zone) {
        String createdBy = entry.createdBy() == null ? "" : entry.createdBy().replace('\t', ' ');
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        row.put("Comment", entry.comment() == null ? "" : entry.comment());
        row.put("CreatedAt", createdAt(entry.created(), zone));
        row.put("CreatedBy", noTrunc ? createdBy : ellipsis(createdBy, CREATED_BY_WIDTH));
        row.put("CreatedSince", ImageListCommand.created(entry.created(), now));
        row.put("ID", entry.imageId() == null ? MISSING
                : noTrunc ? entry.imageId().toString() : entry.imageId().hex().substring(0, 12));
        row.put("Size", Sizes.human(entry.size()));
        return row;
    }

    /** Column names for "table" formats (history.go newHistoryContext). */
    static ObjectNode header() {
        ObjectNode header = JsonNodeFactory.instance.objectNode();
        header.put("ID", "IMAGE");
        header.put("CreatedSince", "CREATED");
        header.put("CreatedAt", "CREATED AT");
        header.put("CreatedBy", "CREATED BY");
        header.put("Size", "SIZE");
        header.put("Comment", "COMMENT");
        return header;
    }

    /** Go's time.RFC3339 of the whole second in the local zone ("Z" for UTC); "N/A" when unreadable. */
    static String createdAt(String rfc3339, ZoneId zone) {
        if (rfc3339 == null) {
            return "N/A";
        }
        try {
            Instant created = Instant.parse(rfc3339).truncatedTo(ChronoUnit.SECONDS);
            return DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX", Locale.US).format(created.atZone(zone));
        } catch (DateTimeParseException e) {
            return "N/A";
        }
    }

    /**
     * docker's formatter.Ellipsis for text of single-width characters: at most {@code width}
     * code points, the last replaced by "…" when some were cut.
     */
    static String ellipsis(String s, int width) {
        int length = s.codePointCount(0, s.length());
        if (length <= width) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, width - 1)) + "…";
    }
}
