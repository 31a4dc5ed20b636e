package dev.berth.cli;

import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Short builders for the picocli model, so each verb reads like its usage text. */
final class Args {
    private Args() {
    }

    static CommandSpec command(Verb verb, String name, String description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(verb).name(name);
        spec.usageMessage().description(description);
        return spec;
    }

    /** A boolean flag (arity 0). */
    static OptionSpec flag(String description, String... names) {
        return OptionSpec.builder(names).type(boolean.class).arity("0").description(description).build();
    }

    /** An option taking one value converted to {@code type}. */
    static OptionSpec option(Class<?> type, String label, String description, String... names) {
        return OptionSpec.builder(names).type(type).arity("1").paramLabel(label).description(description).build();
    }

    /** The {@code <container-id>} every container verb takes first. */
    static PositionalParamSpec containerId(String description) {
        return PositionalParamSpec.builder().index("0").arity("1").required(true).type(String.class)
                .paramLabel("<container-id>").description(description).build();
    }

    static boolean isSet(OptionSpec flag) {
        return Boolean.TRUE.equals(flag.getValue());
    }

    /** The parsed value, or its default when the argument was absent. */
    static <T> T value(ArgSpec arg) {
        return arg.getValue();
    }
}
