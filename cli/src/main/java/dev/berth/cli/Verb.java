package dev.berth.cli;

import picocli.CommandLine.Model.CommandSpec;

/**
 * A verb of the command line. Its model is built with picocli's programmatic API rather than
 * annotations: annotation scanning costs reflection and one generated proxy class per annotation
 * type at every start (measured: ~95 ms vs ~15 ms to build all verbs, with the AOT cache), and
 * containerd starts the runtime once per operation.
 *
 * <p>A verb keeps its option and parameter specs as fields; picocli stores the parsed values in
 * them, and {@link #run} reads them back with {@code getValue()}. One instance serves one parse.
 */
interface Verb {
    /** The verb's name, options, parameters and help text. */
    CommandSpec spec();

    /** Does the verb's work after a successful parse; returns the exit code. */
    int run(CliContext context);
}
