package dev.berth.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The verbs of this release by name, built on demand. containerd and Podman start one process per
 * verb, and building a verb's picocli model costs (cold, per verb) about what parsing the whole
 * command line does, so {@link #alone} finds the one verb a command line names and {@link Main}
 * builds only that one. Help and usage errors list every verb, so they get {@link #all}.
 */
final class Verbs {
    /** In help order. checkpoint and restore come later. */
    static final List<String> NAMES = List.of("create", "run", "start", "state", "kill", "delete", "list", "spec",
            "features", "exec", "ps", "pause", "resume", "update", "events");

    private Verbs() {
    }

    /** A new instance of the verb called {@code name}, or null if there is none. */
    static Verb create(String name) {
        return switch (name) {
            case "create" -> new CreateCommand();
            case "run" -> new RunCommand();
            case "start" -> new StartCommand();
            case "state" -> new StateCommand();
            case "kill" -> new KillCommand();
            case "delete" -> new DeleteCommand();
            case "list" -> new ListCommand();
            case "spec" -> new SpecCommand();
            case "features" -> new FeaturesCommand();
            case "exec" -> new ExecCommand();
            case "ps" -> new PsCommand();
            case "pause" -> new PauseCommand();
            case "resume" -> new ResumeCommand();
            case "update" -> new UpdateCommand();
            case "events" -> new EventsCommand();
            default -> null;
        };
    }

    static List<Verb> all() {
        List<Verb> verbs = new ArrayList<>(NAMES.size());
        for (String name : NAMES) {
            verbs.add(create(name));
        }
        return verbs;
    }

    /**
     * The verb {@code args} name, when parsing with that verb alone gives the same result as with
     * all of them; otherwise null. That holds when everything before the verb is a global option
     * of {@code top} other than -h/-v: picocli then reaches the verb at the same argument either
     * way, and after it only the verb's own model counts. Values of options are skipped as picocli
     * takes them: an option of arity 1 takes the next argument whatever it looks like, because
     * {@link Main} allows subcommand and option names as option values (as runc does).
     */
    static Verb alone(CommandSpec top, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-")) {
                return NAMES.contains(arg) ? create(arg) : null;
            }
            int separator = arg.indexOf('=');
            OptionSpec option = top.optionsMap().get(separator > 0 ? arg.substring(0, separator) : arg);
            if (option == null || option.usageHelp() || option.versionHelp()) {
                return null; // "--", unknown options, clustered short flags, help: the full model decides
            }
            if (separator < 0 && option.arity().max() > 0) {
                i++;
            }
        }
        return null;
    }
}
