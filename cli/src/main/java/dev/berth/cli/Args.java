package dev.berth.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Short builders for the picocli model, so each verb reads like its usage text. */
public final class Args {
    /**
     * The factory every model of ours is created with. picocli's default one looks up
     * groovy.lang.Closure in its static initialiser: a class lookup that fails, and so opens and
     * searches every jar on the class path, whose classes otherwise all come from the AOT cache
     * (-Xlog:class+init: ~6 ms cold, most of it opening the jars). We never need it: the model is
     * built by hand, without annotations; anything that still asks gets picocli's default.
     */
    public static final IFactory FACTORY = new IFactory() {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            return CommandLine.defaultFactory().create(type);
        }
    };

    /**
     * Paths converted without reflection. picocli's own Path converter calls Paths.get through
     * Method.invoke, whose first call spins method-handle classes at run time (~3 ms cold);
     * {@link Main} switches picocli's reflective converters off altogether.
     */
    private static final ITypeConverter<Path> PATH = Path::of;

    private Args() {
    }

    /** The top-level command (no verb object). */
    public static CommandSpec command() {
        return CommandSpec.wrapWithoutInspection(null, FACTORY);
    }

    public static CommandSpec command(Object verb, String name, String description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(verb, FACTORY).name(name);
        spec.usageMessage().description(description);
        return spec;
    }

    /** A boolean flag (arity 0). */
    public static OptionSpec flag(String description, String... names) {
        return OptionSpec.builder(names).type(boolean.class).arity("0").description(description).build();
    }

    /** An option taking one value converted to {@code type}. */
    public static OptionSpec option(Class<?> type, String label, String description, String... names) {
        OptionSpec.Builder option = OptionSpec.builder(names).type(type).arity("1").paramLabel(label).description(description);
        if (type == Path.class) {
            option.converters(PATH);
        }
        return option.build();
    }

    /** An option that may be repeated, each time with one value converted to {@code element}. */
    public static OptionSpec repeatable(Class<?> element, String label, String description, String... names) {
        return OptionSpec.builder(names).type(List.class).auxiliaryTypes(element).arity("1")
                .paramLabel(label).description(description).build();
    }

    /** Every argument from {@code index} on, whatever it looks like (see {@link #stopAtFirstPositional}). */
    public static PositionalParamSpec rest(int index, String label, String description) {
        return PositionalParamSpec.builder().index(index + "..*").arity("0..*").type(List.class)
                .auxiliaryTypes(String.class).paramLabel(label).description(description).build();
    }

    /**
     * Options end at the verb's first positional argument, as in runc, whose urfave/cli verbs
     * stop at it (Go's flag package; exec and ps set SkipArgReorder): in {@code exec ID ls -l} and
     * {@code ps ID -o pid} the "-l" and "-o" belong to the command, not to berth.
     */
    public static CommandSpec stopAtFirstPositional(CommandSpec spec) {
        spec.parser().stopAtPositional(true);
        return spec;
    }

    /** The values of a repeatable option or {@link #rest} parameter; empty when absent. */
    public static <T> List<T> values(ArgSpec arg) {
        List<T> values = arg.getValue();
        return values == null ? List.of() : values;
    }

    /** The {@code <container-id>} every container verb takes first. */
    public static PositionalParamSpec containerId(String description) {
        return PositionalParamSpec.builder().index("0").arity("1").required(true).type(String.class)
                .paramLabel("<container-id>").description(description).build();
    }

    /** The one positional parameter at {@code index}; {@code required} or optional. */
    public static PositionalParamSpec positional(int index, String label, String description, boolean required) {
        return PositionalParamSpec.builder().index(Integer.toString(index)).arity(required ? "1" : "0..1")
                .required(required).type(String.class).paramLabel(label).description(description).build();
    }

    /** Every positional parameter from {@code index} on, at least one. */
    public static PositionalParamSpec some(int index, String label, String description) {
        return PositionalParamSpec.builder().index(index + "..*").arity("1..*").required(true).type(List.class)
                .auxiliaryTypes(String.class).paramLabel(label).description(description).build();
    }

    public static boolean isSet(OptionSpec flag) {
        return Boolean.TRUE.equals(flag.getValue());
    }

    /** The parsed value, or its default when the argument was absent. */
    public static <T> T value(ArgSpec arg) {
        return arg.getValue();
    }
}
