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
