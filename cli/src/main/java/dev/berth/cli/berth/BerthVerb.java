package dev.berth.cli.berth;

import java.io.IOException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A verb of {@code bin/berth}. As in the runtime CLI (dev.berth.cli.Verb), the picocli model is
 * built by hand: no annotation scanning at start-up. One instance serves one parse.
 */
interface BerthVerb {
    /** The verb's name, options, parameters and help text. */
    CommandSpec spec();

    /** Does the verb's work after a successful parse; returns the exit code. */
    int run(BerthContext context) throws IOException;
}
