package dev.berth.cli.berth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.cli.Args;
import dev.berth.image.manifest.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * `image inspect [-f FORMAT] IMAGE...`: a JSON array with one object per image, in the shape of
 * {@code docker image inspect} (Id, RepoTags, RepoDigests, Created, Architecture, Os, Size, Config,
 * RootFS) plus what berth knows besides (the manifest, its layers as stored). With -f a Go
 * template is printed once per image instead, "json" prints the array on one line. As docker
 * (cli/command/inspect), the images that exist are shown even when others do not, each missing
 * one is an error on stderr and the exit code is then 1.
 */
final class ImageInspectCommand implements BerthVerb {
    private final OptionSpec platform = Args.option(String.class, "<os/arch[/variant]>",
            "platform to show an index's image for (default: this machine's)", "--platform");
    private final OptionSpec format = Args.option(String.class, "<format>",
            "a Go template per image, e.g. '{{.Id}} {{json .Config.Cmd}}'; 'json': the array on one line",
            "-f", "--format");
    private final PositionalParamSpec images = Args.some(0, "IMAGE", "image names or IDs");

    @Override
    public CommandSpec spec() {
        return Args.command(this, "inspect", "show the details of images as JSON").addOption(platform)
                .addOption(format).addPositional(images);
    }

    @Override
    public int run(BerthContext context) throws IOException {
        String formatText = Args.value(format);
        boolean templated = formatText != null && !formatText.isEmpty() && !formatText.equals("json");
        GoTemplate template = null;
        if (templated) {
            try {
                template = GoTemplate.parse(formatText);
            } catch (GoTemplate.TemplateException e) {
                context.err.println("berth: template parsing error: " + e.getMessage());
                return 2;
            }
        }
        Platform wantedPlatform = BerthContext.platform(Args.value(platform));
        List<String> found = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String image : Args.<String>values(images)) {
            try {
                context.images().find(image, wantedPlatform);
                found.add(image);
            } catch (IOException | IllegalArgumentException e) {
                failures.add(e.getMessage());
            }
        }
        String json = found.isEmpty() ? "[]" : context.images().inspectJson(found, wantedPlatform);
        if (template != null) {
            StringBuilder out = new StringBuilder();
            for (JsonNode image : new ObjectMapper().readTree(json)) {
                try {
                    out.append(template.execute(image)).append('\n');
                } catch (GoTemplate.TemplateException e) {
                    failures.add("template parsing error: " + e.getMessage()); // docker's words for both
                }
            }
            // docker's TemplateInspector.Flush prints an empty line when nothing else was printed.
            context.out.print(out.isEmpty() ? "\n" : out);
        } else if ("json".equals(formatText)) {
            context.out.println(new ObjectMapper().readTree(json).toString());
        } else {
            context.out.println(json);
        }
        failures.forEach(failure -> context.err.println("berth: " + failure));
        return failures.isEmpty() ? 0 : 1;
    }
}
