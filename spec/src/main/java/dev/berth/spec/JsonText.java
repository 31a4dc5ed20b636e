package dev.berth.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The wording shared by every JSON error berth reports: a value as the user would recognise it in
 * the file, a JSON path, and "malformed JSON at line L, column C". Only jackson-core types appear
 * here, so the streaming reader and the validator use it without loading data binding.
 */
final class JsonText {

    private static final int MAX_QUOTED_LENGTH = 60;

    /**
     * Marks a parsing context that {@link JsonInput#map} reads as a map: its keys are data (sysctl
     * names contain dots) and are shown as {@code ["key"]}, not as {@code .field}.
     */
    static final Object MAP_CONTEXT = new Object();

    private JsonText() {
    }

    /** The token the parser is on, as it appears in the file ({@code "abc"}, {@code 1.5}, "an array"). */
    static String describeCurrentValue(JsonParser parser) {
        JsonToken token = parser == null ? null : parser.currentToken();
        if (token == null) {
            return "end of input";
        }
        try {
            return switch (token) {
                case START_OBJECT, END_OBJECT -> "an object";
                case START_ARRAY, END_ARRAY -> "an array";
                case VALUE_STRING -> quote(parser.getText());
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> parser.getText();
                case FIELD_NAME -> "field " + quote(parser.currentName());
                default -> token.name();
            };
        } catch (IOException e) {
            return token.name();
        }
    }

    /**
     * The JSON path of the value the parser is on: {@code a.b[2].c}, map keys as {@code ["key"]},
     * empty at the top level. On a START_OBJECT or START_ARRAY Jackson has already entered the
     * value's own context, so the path is that of its parent.
     */
    static String path(JsonParser parser) {
        JsonStreamContext context = parser.getParsingContext();
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            context = context.getParent();
        }
        StringBuilder path = new StringBuilder();
        appendPath(context, path);
        return path.toString();
    }

    private static void appendPath(JsonStreamContext context, StringBuilder path) {
        if (context == null || context.inRoot()) {
            return;
        }
        appendPath(context.getParent(), path);
        if (context.inArray()) {
            path.append('[').append(context.getCurrentIndex()).append(']');
        } else if (context.getCurrentValue() == MAP_CONTEXT) {
            path.append('[').append(quote(context.getCurrentName())).append(']');
        } else {
            if (!path.isEmpty()) {
                path.append('.');
            }
            path.append(context.getCurrentName());
        }
    }

    /** "malformed JSON at line 4, column 19: ..." without Jackson's dump of the source. */
    static String malformed(JsonProcessingException syntax) {
        JsonLocation at = syntax.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return "malformed JSON" + where + ": " + syntax.getOriginalMessage();
    }

    /** A JSON string literal, shortened when long: the user only needs to recognise it. */
    static String quote(String text) {
        String shown = text.length() > MAX_QUOTED_LENGTH ? text.substring(0, MAX_QUOTED_LENGTH) + "..." : text;
        StringBuilder out = new StringBuilder(shown.length() + 2).append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        // Not String.format: its Formatter is a heavy first use on a cold JVM.
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
