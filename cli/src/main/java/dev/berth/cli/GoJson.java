package dev.berth.cli;

/**
 * The few pieces of Go's encoding/json that runc's output is made of, so that `state` and `list`
 * print byte for byte what runc prints (clients diff and parse it) without loading a JSON library.
 */
final class GoJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoJson() {
    }

    /**
     * A JSON string as Go's encoder writes it: besides quote, backslash and control characters it
     * escapes {@code < > &} and U+2028/U+2029 (json.Marshal's default HTML-safe escaping).
     */
    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2);
        appendQuoted(out, value);
        return out.toString();
    }

    static void appendQuoted(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
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

    /**
     * Go's time.Time JSON form, RFC 3339 with nanoseconds: UTC with "Z" and the fraction's trailing
     * zeros dropped (layout RFC3339Nano, "…05.999999999Z07:00"), no fraction at all when zero.
     */
    static String time(java.time.Instant instant) {
        // Instant.toString prints 0, 3, 6 or 9 fraction digits; Go trims to the last non-zero one.
        String iso = instant.toString();
        int dot = iso.indexOf('.');
        if (dot < 0) {
            return iso;
        }
        int end = iso.length() - 1; // the 'Z'
        int last = end - 1;
        while (last > dot && iso.charAt(last) == '0') {
            last--;
        }
        return (last == dot ? iso.substring(0, dot) : iso.substring(0, last + 1)) + "Z";
    }
}
