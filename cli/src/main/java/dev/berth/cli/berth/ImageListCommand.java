package dev.berth.cli.berth;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cli.Args;
import dev.berth.image.service.LocalImage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
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
 * `image ls [REPOSITORY[:TAG]]` (alias `images`): one row per name, as `docker images` prints them,
 * through docker's own default table template; --format takes any other template, "table ..." or
 * "json" (docker/cli formatter/image.go), --filter docker's reference and dangling filters.
 */
final class ImageListCommand implements BerthVerb {
    /** docker's default table formats (formatter/image.go); the tabs are real ones. */
    static final String DEFAULT_TABLE = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t"
            + "{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}";
    static final String DEFAULT_TABLE_WITH_DIGEST = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t"
            + "{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}";

    private final OptionSpec quiet = Args.flag("only show image IDs", "-q", "--quiet");
    private final OptionSpec digests = Args.flag("show digests", "--digests");
    private final OptionSpec noTrunc = Args.flag("don't truncate output", "--no-trunc");
    private final OptionSpec platform = Args.option(String.class, "<os/arch[/variant]>",
            "platform to show an index's image for (default: this machine's)", "--platform");
    private final OptionSpec filter = Args.repeatable(String.class, "<key=value>",
            "only images matching: reference=PATTERN (a glob on REPOSITORY[:TAG]), dangling=true|false",
            "-f", "--filter");
    private final OptionSpec format = Args.option(String.class, "<format>",
            "'table', 'table TEMPLATE', 'json', or a Go template, e.g. '{{.Repository}}:{{.Tag}}'", "--format");
    private final PositionalParamSpec repository = Args.positional(0, "[REPOSITORY[:TAG]]",
            "only images whose name matches this (a glob, as a reference filter)", false);

    @Override
    public CommandSpec spec() {
        return Args.command(this, "ls", "list images").addOption(quiet).addOption(digests).addOption(noTrunc)
                .addOption(platform).addOption(filter).addOption(format).addPositional(repository);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        String chosen = chosenFormat(Args.value(format), Args.isSet(digests));
        // As docker: -q prints IDs in place of the default table only, not of a --format given.
        boolean idsOnly = Args.isSet(quiet) && (Args.value(format) == null || Args.value(format).equals("table"));
        ImageFilters filters;
        ListFormat list;
        try {
            filters = ImageFilters.parse(Args.values(filter), Args.value(repository));
            list = idsOnly ? null : ListFormat.of(chosen);
        } catch (GoTemplate.TemplateException e) {
            context.err.println("berth: template parsing error: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            context.err.println("berth: " + e.getMessage());
            return 2;
        }
        boolean needDigest = Args.isSet(digests) || ListFormat.mentions(chosen, "Digest");
        List<ObjectNode> rows = new ArrayList<>();
        Instant now = Instant.now();
        for (LocalImage image : context.images().list(BerthContext.platform(Args.value(platform)))) {
            boolean dangling = image.names().isEmpty();
            if (!filters.keepsImage(dangling)) {
                continue;
            }
            for (String name : dangling ? List.of("<none>:<none>") : image.names()) {
                if (filters.keepsName(name)) {
                    rows.add(row(image, name, Args.isSet(noTrunc), needDigest, now, ZoneId.systemDefault()));
                }
            }
        }
        if (list == null) {
            rows.stream().map(r -> r.get("ID").asText()).distinct().forEach(context.out::println);
        } else {
            list.print(context.out, rows, header());
        }
        return 0;
    }

    /** docker's NewImageFormat: the default tables for "" and "table"; --digests adds the column to a custom table. */
    static String chosenFormat(String format, boolean digests) {
        if (format == null || format.isEmpty() || format.equals("table")) {
            return digests ? DEFAULT_TABLE_WITH_DIGEST : DEFAULT_TABLE;
        }
        if (format.startsWith("table") && digests && !ListFormat.mentions(format, "Digest")) {
            return format + "\t{{.Digest}}";
        }
        return format;
    }

    /**
     * One row as docker's imageContext shows it, every field a string. Its keys are in the order
     * json.Marshal sorts them, so --format json can print the row as it is. Containers, SharedSize
     * and UniqueSize are "N/A" as in docker when the daemon has not counted them.
     */
    static ObjectNode row(LocalImage image, String name, boolean noTrunc, boolean needDigest, Instant now,
                          ZoneId zone) {
        String[] repoTag = Names.splitTag(name);
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        row.put("Containers", "N/A");
        row.put("CreatedAt", createdAt(image.config().created(), zone));
        row.put("CreatedSince", created(image.config().created(), now));
        row.put("Digest", needDigest ? image.top().digest().toString() : "<none>");
        row.put("ID", noTrunc ? image.id().toString() : image.id().hex().substring(0, 12));
        row.put("Repository", Names.familiar(repoTag[0]));
        row.put("SharedSize", "N/A");
        row.put("Size", Sizes.human(image.size()));
        row.put("Tag", repoTag[1]);
        row.put("UniqueSize", "N/A");
        row.put("VirtualSize", Sizes.human(image.size(), 4));
        return row;
    }

    /** Column names for "table" formats (formatter/image.go newImageContext). */
    static ObjectNode header() {
        ObjectNode header = JsonNodeFactory.instance.objectNode();
        header.put("ID", "IMAGE ID");
        header.put("Repository", "REPOSITORY");
        header.put("Tag", "TAG");
        header.put("Digest", "DIGEST");
        header.put("CreatedSince", "CREATED");
        header.put("CreatedAt", "CREATED AT");
        header.put("Size", "SIZE");
        header.put("Containers", "CONTAINERS");
        header.put("VirtualSize", "SIZE");
        header.put("SharedSize", "SHARED SIZE");
        header.put("UniqueSize", "UNIQUE SIZE");
        return header;
    }

    /**
     * CreatedAt as docker prints it: Go's Time.String of the whole second, in the local time zone
     * ("2024-05-01 10:00:00 +0200 CEST"); "N/A" when the config has no readable date.
     */
    static String createdAt(String rfc3339, ZoneId zone) {
        Instant created;
        try {
            created = rfc3339 == null ? null : Instant.parse(rfc3339);
        } catch (DateTimeParseException e) {
            created = null;
        }
        if (created == null) {
            return "N/A";
        }
        ZonedDateTime local = created.truncatedTo(ChronoUnit.SECONDS).atZone(zone);
        String abbreviation;
        if (zone.normalized() instanceof ZoneOffset offset) {
            // Go names UTC "UTC" and a zone without a name by its offset.
            abbreviation = offset.equals(ZoneOffset.UTC) ? "UTC" : DateTimeFormatter.ofPattern("xx").format(local);
        } else {
            abbreviation = DateTimeFormatter.ofPattern("zzz", Locale.US).format(local);
        }
        return DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss xx", Locale.US).format(local) + " " + abbreviation;
    }

    /**
     * "3 days ago", as docker prints it: go-units' HumanDuration of the age plus " ago" (so "About
     * a minute ago", "About an hour ago"; hours are rounded, everything else truncated). The date
     * is the config's own (when the image was built); a date in the future counts as now.
     */
    static String created(String rfc3339, Instant now) {
        if (rfc3339 == null) {
            return "N/A";
        }
        Instant created;
        try {
            created = Instant.parse(rfc3339);
        } catch (DateTimeParseException e) {
            return "N/A";
        }
        return humanDuration(Duration.between(created, now)) + " ago";
    }

    private static String humanDuration(Duration age) {
        long seconds = age.toSeconds();
        if (seconds < 1) {
            return "Less than a second";
        }
        if (seconds < 60) {
            return seconds == 1 ? "1 second" : seconds + " seconds";
        }
        long minutes = age.toMinutes();
        if (minutes < 60) {
            return minutes == 1 ? "About a minute" : minutes + " minutes";
        }
        long hours = (age.toMillis() + 1_800_000) / 3_600_000; // rounded to the nearest hour
        if (hours == 1) {
            return "About an hour";
        }
        if (hours < 48) {
            return hours + " hours";
        }
        if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        }
        if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        }
        if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return age.toHours() / 24 / 365 + " years";
    }
}
