package dev.berth.spec;

import com.fasterxml.jackson.core.JacksonException;
import java.io.UncheckedIOException;

/**
 * Writes a {@link Spec} (or any berth record) as runc lays out JSON: tab indentation,
 * {@code "key": value}, fields in declaration order, absent (null) fields omitted.
 */
public final class SpecWriter {

    private SpecWriter() {
    }

    /** Pretty JSON without a trailing newline, like {@code runc spec}. */
    public static String write(Object specOrAnything) {
        try {
            return JsonBinding.prettyWriter().writeValueAsString(specOrAnything);
        } catch (JacksonException e) {
            throw new UncheckedIOException("cannot write " + specOrAnything.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
