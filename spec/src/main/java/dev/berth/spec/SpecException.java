package dev.berth.spec;

import java.util.List;

/**
 * A config.json that cannot be read, parsed or accepted. {@link #getMessage()} is complete and
 * meant for the user as is: every line starts with the file or the JSON field path it is about.
 */
public final class SpecException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** One problem, already phrased as {@code "<where>: <what>"}. */
    public SpecException(String problem) {
        this(List.of(problem), null);
    }

    /** One problem caused by a lower-level failure (an I/O or parser error). */
    public SpecException(String problem, Throwable cause) {
        this(List.of(problem), cause);
    }

    /** Several problems found together (validation); the message has one line per problem. */
    public SpecException(List<String> problems) {
        this(problems, null);
    }

    private SpecException(List<String> problems, Throwable cause) {
        super(String.join("\n", requireNonEmpty(problems)), cause);
        this.problems = List.copyOf(problems);
    }

    /** The problems, one per entry, in the order they were found. */
    public List<String> problems() {
        return problems;
    }

    private static List<String> requireNonEmpty(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a SpecException needs at least one problem");
        }
        return problems;
    }
}
