package dev.berth.cli.berth;

import static dev.berth.cli.berth.GoTemplate.error;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a Go template into text and the tokens of its actions (text/template/parse lex.go, the
 * part {@link GoTemplate} parses): "{{" and "}}" with their trim markers, fields, variables,
 * identifiers, strings, numbers and punctuation. Comments are dropped here.
 */
final class GoTemplateLexer {
    enum Kind { TEXT, OPEN, CLOSE, FIELD, VARIABLE, DOT, IDENT, STRING, NUMBER, LPAREN, RPAREN, PIPE, DECLARE,
        ASSIGN, COMMA, EOF }

    /** One token; {@code pos} is its offset in the source, for error positions. */
    record Token(Kind kind, String text, int pos) {
    }

    private final String s;
    private final List<Token> tokens = new ArrayList<>();
    private int i;

    private GoTemplateLexer(String s) {
        this.s = s;
    }

    static List<Token> lex(String source) {
        return new GoTemplateLexer(source).run();
    }

    private List<Token> run() {
        while (i < s.length()) {
            int open = s.indexOf("{{", i);
            if (open < 0) {
                text(s.substring(i), i);
                break;
            }
            // "{{- " trims the white space before it; the space is required, "{{-3}}" is a number.
            boolean trimBefore = open + 3 < s.length() && s.charAt(open + 2) == '-' && isSpace(s.charAt(open + 3));
            text(trimBefore ? s.substring(i, open).stripTrailing() : s.substring(i, open), i);
            i = open + (trimBefore ? 4 : 2); // the marker is "-" and one white space character
            boolean trimAfter = s.startsWith("/*", i) ? comment(open) : action(open);
            while (trimAfter && i < s.length() && isSpace(s.charAt(i))) {
                i++;
            }
        }
        tokens.add(new Token(Kind.EOF, "", s.length()));
        return tokens;
    }

    private void text(String text, int pos) {
        if (!text.isEmpty()) {
            tokens.add(new Token(Kind.TEXT, text, pos));
        }
    }

    private boolean comment(int open) {
        int end = s.indexOf("*/", i + 2);
        if (end < 0) {
            throw error(s, open, "unclosed comment");
        }
        i = end + 2;
        if (s.startsWith(" -}}", i)) {
            i += 4;
            return true;
        }
        if (!s.startsWith("}}", i)) {
            throw error(s, i, "comment ends before closing delimiter");
        }
        i += 2;
        return false;
    }

    /** The tokens of one action through its "}}"; true if it ends with the trim marker " -}}". */
    private boolean action(int open) {
        tokens.add(new Token(Kind.OPEN, "{{", open));
        while (true) {
            while (i < s.length() && isSpace(s.charAt(i))) {
                i++;
            }
            if (i >= s.length()) {
                throw error(s, open, "unclosed action");
            }
            if (s.startsWith("-}}", i) && isSpace(s.charAt(i - 1))) {
                tokens.add(new Token(Kind.CLOSE, "}}", i));
                i += 3;
                return true;
            }
            if (s.startsWith("}}", i)) {
                tokens.add(new Token(Kind.CLOSE, "}}", i));
                i += 2;
                return false;
            }
            token();
        }
    }

    private void token() {
        int start = i;
        char c = s.charAt(i);
        char next = i + 1 < s.length() ? s.charAt(i + 1) : 0;
        Kind kind;
        if (c == '.') {
            kind = isIdentStart(next) ? Kind.FIELD : Kind.DOT;
            i++;
            chain(kind == Kind.FIELD);
        } else if (c == '$') {
            i++;
            while (i < s.length() && isIdentPart(s.charAt(i))) {
                i++;
            }
            chain(false);
            kind = Kind.VARIABLE;
        } else if (c == '"' || c == '`') {
            tokens.add(new Token(Kind.STRING, c == '"' ? quoted() : raw(), start));
            return;
        } else if (Character.isDigit(c) || ((c == '-' || c == '+') && Character.isDigit(next))) {
            i++;
            while (i < s.length() && (isIdentPart(s.charAt(i)) || s.charAt(i) == '.'
                    || ((s.charAt(i) == '-' || s.charAt(i) == '+') && "eE".indexOf(s.charAt(i - 1)) >= 0))) {
                i++;
            }
            kind = Kind.NUMBER;
        } else if (isIdentStart(c)) {
            while (i < s.length() && isIdentPart(s.charAt(i))) {
                i++;
            }
            kind = Kind.IDENT;
        } else {
            kind = switch (c) {
                case '(' -> Kind.LPAREN;
                case ')' -> Kind.RPAREN;
                case '|' -> Kind.PIPE;
                case ',' -> Kind.COMMA;
                case '=' -> Kind.ASSIGN;
                case ':' -> next == '=' ? Kind.DECLARE : null;
                default -> null;
            };
            if (kind == null) {
                throw error(s, i, String.format("bad character U+%04X '%c'", (int) c, c));
            }
            i += kind == Kind.DECLARE ? 2 : 1;
        }
        tokens.add(new Token(kind, s.substring(start, i), start));
    }

    /** The rest of a field chain ".A.B" (the first name only if {@code first}), after a variable too. */
    private void chain(boolean first) {
        if (first) {
            while (i < s.length() && isIdentPart(s.charAt(i))) {
                i++;
            }
        }
        while (i + 1 < s.length() && s.charAt(i) == '.' && isIdentStart(s.charAt(i + 1))) {
            i++;
            while (i < s.length() && isIdentPart(s.charAt(i))) {
                i++;
            }
        }
    }

    /** A Go interpreted string literal, unquoted (the common escapes of strconv.Unquote). */
    private String quoted() {
        int start = i++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (i >= s.length() || s.charAt(i) == '\n') {
                throw error(s, start, "unterminated quoted string");
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = i < s.length() ? s.charAt(i++) : 0;
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '\\', '"', '\'' -> out.append(e);
                case 'u', 'x' -> {
                    int digits = e == 'u' ? 4 : 2;
                    if (i + digits > s.length()) {
                        throw error(s, start, "invalid syntax in quoted string");
                    }
                    try {
                        out.append((char) Integer.parseInt(s.substring(i, i + digits), 16));
                    } catch (NumberFormatException bad) {
                        throw error(s, start, "invalid syntax in quoted string");
                    }
                    i += digits;
                }
                default -> throw error(s, start, "invalid syntax in quoted string");
            }
        }
    }

    private String raw() {
        int end = s.indexOf('`', i + 1);
        if (end < 0) {
            throw error(s, i, "unterminated raw quoted string");
        }
        String text = s.substring(i + 1, end);
        i = end + 1;
        return text;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
