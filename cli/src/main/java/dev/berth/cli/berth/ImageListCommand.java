package dev.berth.cli.berth;

import dev.berth.cli.Args;
import dev.berth.image.service.LocalImage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** `image ls [REPOSITORY[:TAG]]` (alias `images`): one row per name, as `docker images` prints. */
final class ImageListCommand implements BerthVerb {
    private final OptionSpec quiet = Args.flag("only show image IDs", "-q", "--quiet");
    private final OptionSpec digests = Args.flag("show digests", "--digests");
    private final OptionSpec noTrunc = Args.flag("don't truncate output", "--no-trunc");
    private final OptionSpec platform = Args.option(String.class, "<os/arch[/variant]>",
            "platform to show an index's image for (default: this machine's)", "--platform");
    private final PositionalParamSpec filter = Args.positional(0, "[REPOSITORY[:TAG]]",
            "only images whose name starts with this", false);

    @Override
    public CommandSpec spec() {
        return Args.command(this, "ls", "list images").addOption(quiet).addOption(digests).addOption(noTrunc)
                .addOption(platform).addPositional(filter);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        List<String[]> rows = new ArrayList<>();
        boolean full = Args.isSet(noTrunc);
        Instant now = Instant.now();
        String wanted = Args.value(filter);
        for (LocalImage image : context.images().list(BerthContext.platform(Args.value(platform)))) {
            String id = full ? image.id().toString() : image.id().hex().substring(0, 12);
            List<String> names = image.names().isEmpty() ? List.of("<none>:<none>") : image.names();
            for (String name : names) {
                String[] repoTag = Names.splitTag(name);
                if (wanted != null && !matches(name, repoTag[0], wanted)) {
                    continue;
                }
                rows.add(new String[] {repoTag[0], repoTag[1], image.top().digest().toString(), id,
                        created(image.config().created(), now), Sizes.human(image.size())});
            }
        }
        if (Args.isSet(quiet)) {
            rows.stream().map(r -> r[3]).distinct().forEach(context.out::println);
            return 0;
        }
        print(context, rows, Args.isSet(digests));
        return 0;
    }

    private static boolean matches(String name, String repository, String wanted) {
        return name.equals(wanted) || repository.equals(wanted) || Names.familiar(repository).equals(wanted)
                || Names.familiar(name).equals(wanted);
    }

    private static void print(BerthContext context, List<String[]> rows, boolean withDigests) {
        List<String[]> table = new ArrayList<>();
        table.add(withDigests ? new String[] {"REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE"}
                : new String[] {"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"});
        for (String[] r : rows) {
            String repository = Names.familiar(r[0]);
            table.add(withDigests ? new String[] {repository, r[1], r[2], r[3], r[4], r[5]}
                    : new String[] {repository, r[1], r[3], r[4], r[5]});
        }
        Tables.print(context.out, table);
    }

    /** "3 days ago", as docker prints it; the config's own date (when the image was built). */
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
        Duration age = Duration.between(created, now);
        if (age.isNegative() || age.toSeconds() < 60) {
            return "Less than a minute ago";
        }
        long minutes = age.toMinutes();
        long hours = age.toHours();
        long days = age.toDays();
        if (minutes < 60) {
            return plural(minutes, "minute");
        }
        if (hours < 48) {
            return plural(hours, "hour");
        }
        if (days < 14) {
            return plural(days, "day");
        }
        if (days < 60) {
            return plural(days / 7, "week");
        }
        if (days < 730) {
            return plural(days / 30, "month");
        }
        return plural(days / 365, "year");
    }

    private static String plural(long n, String unit) {
        return (n == 1 ? (unit.equals("hour") ? "An" : "A") : Long.toString(n)) + " " + unit + (n == 1 ? "" : "s")
                + " ago";
    }
}
