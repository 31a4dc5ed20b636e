package dev.berth.cli;

import dev.berth.spec.Features;
import picocli.CommandLine.Model.CommandSpec;

/** `features`: the runtime-spec features document (features.md) of this runtime. */
final class FeaturesCommand implements Verb {
    @Override
    public CommandSpec spec() {
        return Args.command(this, "features", "show the enabled features");
    }

    @Override
    public int run(CliContext context) {
        String json = Features.json();
        context.out.print(json.endsWith("\n") ? json : json + "\n");
        context.out.flush();
        return 0;
    }
}
