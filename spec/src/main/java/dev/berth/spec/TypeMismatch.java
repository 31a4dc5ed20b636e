package dev.berth.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * A JSON value of the wrong type or range, raised by berth's own deserializers. It carries the
 * wording of what was expected and what was found; Jackson adds the field path as the exception
 * travels up (see {@link JsonProblems}).
 */
final class TypeMismatch extends MismatchedInputException {

    private static final long serialVersionUID = 1L;

    private final String expected;
    private final String found;

    TypeMismatch(JsonParser parser, String expected, Class<?> targetType) {
        super(parser, "expected " + expected, targetType);
        this.expected = expected;
        this.found = JsonText.describeCurrentValue(parser);
    }

    String expected() {
        return expected;
    }

    String found() {
        return found;
    }
}
