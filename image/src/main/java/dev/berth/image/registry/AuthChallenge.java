package dev.berth.image.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235 section 4.1): a scheme and its
 * auth-params, e.g. {@code Bearer realm="https://auth.docker.io/token",service="registry.docker.io",
 * scope="repository:library/busybox:pull"}. Parameter names are case-insensitive (RFC 7235 2.1), so
 * they are stored in lower case; values may be quoted strings containing commas (a scope such as
 * {@code repository:x:pull,push} does).
 *
 * @param scheme lower-case scheme, e.g. "bearer" or "basic"
 */
record AuthChallenge(String scheme, Map<String, String> params) {

    AuthChallenge {
        params = Map.copyOf(params);
    }

    String param(String name) {
        return params.get(name);
    }

    /** Every challenge in {@code header}; malformed trailing parts are ignored rather than guessed at. */
    static List<AuthChallenge> parse(String header) {
        List<AuthChallenge> result = new ArrayList<>();
        Lexer lx = new Lexer(header);
        String scheme = lx.token();
        while (scheme != null) {
            Map<String, String> params = new LinkedHashMap<>();
            String next = null;
            while (true) {
                lx.skip(" ,");
                int mark = lx.pos;
                String name = lx.token();
                if (name == null) {
                    break;
                }
                lx.skip(" ");
                if (!lx.eat('=')) {
                    // A token not followed by '=' starts the next challenge (a new scheme).
                    lx.pos = mark;
                    next = lx.token();
                    break;
                }
                lx.skip(" ");
                String value = lx.peek() == '"' ? lx.quoted() : lx.token();
                params.put(name.toLowerCase(Locale.ROOT), value == null ? "" : value);
            }
            result.add(new AuthChallenge(scheme.toLowerCase(Locale.ROOT), params));
            scheme = next;
        }
        return result;
    }

    /** A cursor over the header value with RFC 7230 token and quoted-string rules. */
    private static final class Lexer {
        private final String s;
        private int pos;

        Lexer(String s) {
            this.s = s == null ? "" : s;
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        boolean eat(char c) {
            if (peek() == c) {
                pos++;
                return true;
            }
            return false;
        }

        void skip(String chars) {
            while (pos < s.length() && chars.indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
        }

        /**
         * A run of tchar (RFC 7230 3.2.6), or null when none is at the cursor. '/' and ':' are
         * accepted too, so an unquoted realm URL from a lax server is read whole.
         */
        String token() {
            skip(" ");
            int start = pos;
            while (pos < s.length() && isTokenChar(s.charAt(pos))) {
                pos++;
            }
            return pos > start ? s.substring(start, pos) : null;
        }

        /** A quoted-string with backslash escapes; an unterminated one ends at the end of input. */
        String quoted() {
            StringBuilder out = new StringBuilder();
            pos++; // opening quote
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    break;
                }
                if (c == '\\' && pos < s.length()) {
                    c = s.charAt(pos++);
                }
                out.append(c);
            }
            return out.toString();
        }

        private static boolean isTokenChar(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~/:".indexOf(c) >= 0;
        }
    }
}
