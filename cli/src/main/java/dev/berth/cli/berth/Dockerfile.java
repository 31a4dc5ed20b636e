package dev.berth.cli.berth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The two Dockerfile instruction forms `import --change` takes (Dockerfile reference, CMD and LABEL). */
final class Dockerfile {
    private Dockerfile() {
    }

    /** {@code ["a","b"]} (exec form) as is; anything else (shell form) as {@code /bin/sh -c ARG}. */
    static List<String> command(String argument) {
        String text = argument.strip();
        if (!text.startsWith("[")) {
            return List.of("/bin/sh", "-c", text);
        }
        try (JsonParser p = new JsonFactory().createParser(text)) {
            p.nextToken();
            List<String> args = new ArrayList<>();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
                args.add(p.getText());
            }
            if (t != JsonToken.END_ARRAY || p.nextToken() != null) {
                throw new IllegalArgumentException("CMD " + text + ": the exec form is a JSON array of strings");
            }
            return args;
        } catch (IOException e) {
            throw new IllegalArgumentException("CMD " + text + ": " + e.getMessage(), e);
        }
    }

    /** {@code key=value key2="value 2"}. */
    static Map<String, String> labels(String argument) {
        Map<String, String> labels = new LinkedHashMap<>();
        int i = 0;
        String s = argument.strip();
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                throw new IllegalArgumentException("LABEL " + s + ": expected key=value");
            }
            String key = s.substring(i, eq).strip();
            int start = eq + 1;
            int end;
            String value;
            if (start < s.length() && s.charAt(start) == '"') {
                end = s.indexOf('"', start + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("LABEL " + s + ": unterminated quote");
                }
                value = s.substring(start + 1, end);
                end++;
            } else {
                end = s.indexOf(' ', start);
                end = end < 0 ? s.length() : end;
                value = s.substring(start, end);
            }
            labels.put(key, value);
            i = end;
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
            }
        }
        return labels;
    }
}
