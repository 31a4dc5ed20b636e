package dev.berth.cli.berth;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON values as Go shows them once decoded into {@code interface{}} (what docker's templates see of
 * inspect data): fmt's %v for printing, encoding/json for {@code json}, text/template's truth.
 * A {@link com.fasterxml.jackson.databind.node.MissingNode} stands for Go's invalid value (a
 * missing map key), {@link com.fasterxml.jackson.databind.node.NullNode} for a nil interface.
 */
final class GoValues {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoValues() {
    }

    /**
     * What an action prints. text/template prints an invalid value, and a nil interface (which it
     * unwraps to one), as "&lt;no value&gt;" (exec.go printValue).
     */
    static String print(JsonNode v) {
        return v.isMissingNode() || v.isNull() ? "<no value>" : format(v);
    }

    /** fmt's %v: maps as map[k:v ...] with sorted keys, slices as [a b], nil as &lt;nil&gt;. */
    static String format(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return "<nil>";
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isNumber()) {
            return number(v);
        }
        if (v.isArray()) {
            List<String> items = new ArrayList<>();
            v.forEach(item -> items.add(format(item)));
            return "[" + String.join(" ", items) + "]";
        }
        if (v.isObject()) {
            List<String> items = new ArrayList<>();
            // fmt prints maps with their keys sorted (Go 1.12 and later).
            v.properties().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> items.add(e.getKey() + ":" + format(e.getValue())));
            return "map[" + String.join(" ", items) + "]";
        }
        return v.asText();
    }

    /**
     * Integers as integers (docker's typed inspect fields are int64, and its raw fallback decodes
     * with UseNumber, so "1234" never becomes 1.234e+03); other numbers as %v prints a float64.
     */
    private static String number(JsonNode v) {
        return v.isIntegralNumber() ? v.bigIntegerValue().toString() : goFloat(v.doubleValue(), -4, 6, true);
    }

    /**
     * strconv's shortest formatting: plain when the decimal exponent is in [{@code minPlain},
     * {@code maxPlain}) (%v decides with -4 and 6, encoding/json with -6 and 21), else %e form, its
     * exponent with at least two digits as strconv writes it, or trimmed to one as encoding/json does.
     */
    static String goFloat(double d, int minPlain, int maxPlain, boolean twoDigitExponent) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        // Double.toString is the shortest decimal that reads back as d (JDK 19+), as Go's is.
        BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale();
        if (exponent >= minPlain && exponent < maxPlain) {
            return shortest.toPlainString();
        }
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "").append(digits.charAt(0));
        if (digits.length() > 1) {
            out.append('.').append(digits, 1, digits.length());
        }
        int abs = Math.abs(exponent);
        out.append('e').append(exponent < 0 ? '-' : '+').append(abs < 10 && twoDigitExponent ? "0" : "").append(abs);
        return out.toString();
    }

    /**
     * encoding/json's compact form, keys in document order (docker's typed inspect structs keep
     * field order). {@code escapeHtml}: json.Marshal's &lt; &gt; &amp; escaping, which docker's
     * {@code json} template function switches off but its formatter's MarshalJSON keeps.
     */
    static String json(JsonNode v, boolean escapeHtml) {
        StringBuilder out = new StringBuilder();
        appendJson(out, v, escapeHtml);
        return out.toString();
    }

    private static void appendJson(StringBuilder out, JsonNode v, boolean escapeHtml) {
        if (v.isMissingNode() || v.isNull()) {
            out.append("null");
        } else if (v.isTextual()) {
            quote(out, v.textValue(), escapeHtml);
        } else if (v.isNumber()) {
            out.append(v.isIntegralNumber() ? v.bigIntegerValue().toString()
                    : goFloat(v.doubleValue(), -6, 21, false));
        } else if (v.isArray()) {
            out.append('[');
            for (int i = 0; i < v.size(); i++) {
                out.append(i == 0 ? "" : ",");
                appendJson(out, v.get(i), escapeHtml);
            }
            out.append(']');
        } else if (v.isObject()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                out.append(first ? "" : ",");
                first = false;
                quote(out, e.getKey(), escapeHtml);
                out.append(':');
                appendJson(out, e.getValue(), escapeHtml);
            }
            out.append('}');
        } else {
            out.append(v.asText()); // true, false
        }
    }

    /** A JSON string as Go's encoder writes it (\b and \f short since Go 1.22; U+2028/9 always escaped). */
    private static void quote(StringBuilder out, String s, boolean escapeHtml) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    boolean html = escapeHtml && (c == '<' || c == '>' || c == '&');
                    if (c < 0x20 || html || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** text/template's truth (exec.go isTrue): false, 0, nil and empty strings, slices and maps are false. */
    static boolean truthy(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isNumber()) {
            return v.doubleValue() != 0 || (v.isIntegralNumber() && v.bigIntegerValue().signum() != 0);
        }
        if (v.isTextual()) {
            return !v.textValue().isEmpty();
        }
        return !v.isEmpty();
    }

    /** The Go type a value decoded into interface{} has, for error messages. */
    static String typeName(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return "<nil>";
        }
        if (v.isTextual()) {
            return "string";
        }
        if (v.isNumber()) {
            return v.isIntegralNumber() ? "int" : "float64";
        }
        if (v.isBoolean()) {
            return "bool";
        }
        return v.isArray() ? "[]interface {}" : "map[string]interface {}";
    }
}
