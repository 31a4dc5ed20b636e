package dev.berth.cli.berth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The functions a docker --format template can call: docker's own (docker/cli templates.go: json,
 * split, join, title, lower, upper, pad, truncate) and text/template's builtins that such formats
 * use (index, len, print, println, not, and, or, eq, ne, lt, le, gt, ge). Arguments are
 * converted leniently where Go would only refuse a typed value (a number where a string is
 * wanted is used as its text); a missing value where a string is wanted is refused, as in Go.
 */
final class GoFunctions {
    /** A function refused its arguments; the template adds the position. */
    static final class CallException extends RuntimeException {
        CallException(String message) {
            super(message);
        }
    }

    private GoFunctions() {
    }

    static boolean exists(String name) {
        return switch (name) {
            case "json", "split", "join", "title", "lower", "upper", "pad", "truncate", "index", "len", "print",
                 "println", "not", "and", "or", "eq", "ne", "lt", "le", "gt", "ge" -> true;
            default -> false;
        };
    }

    /**
     * Calls {@code name}. For a table's header row docker swaps its string functions for ones that
     * return their first argument (templates.go HeaderFunctions), so "{{upper .Tag}}" heads its
     * column "TAG"; {@code header} does the same here. pad is not swapped there either.
     */
    static JsonNode call(String name, List<JsonNode> args, boolean header) {
        if (header) {
            switch (name) {
                case "json", "title", "lower", "upper" -> {
                    return TextNode.valueOf(string(args(name, args, 1).getFirst(), name));
                }
                case "split", "join", "truncate" -> {
                    return TextNode.valueOf(string(args(name, args, 2).getFirst(), name));
                }
                default -> { }
            }
        }
        return switch (name) {
            case "json" -> TextNode.valueOf(GoValues.json(args(name, args, 1).getFirst(), false));
            case "split" -> split(string(args(name, args, 2).get(0), name), string(args.get(1), name));
            case "join" -> join(args(name, args, 2).get(0), string(args.get(1), name));
            case "title" -> TextNode.valueOf(title(string(args(name, args, 1).getFirst(), name)));
            case "lower" -> TextNode.valueOf(string(args(name, args, 1).getFirst(), name).toLowerCase(Locale.ROOT));
            case "upper" -> TextNode.valueOf(string(args(name, args, 1).getFirst(), name).toUpperCase(Locale.ROOT));
            case "pad" -> pad(string(args(name, args, 3).get(0), name), integer(args.get(1)), integer(args.get(2)));
            case "truncate" -> truncate(string(args(name, args, 2).get(0), name), integer(args.get(1)));
            case "index" -> index(args);
            case "len" -> length(args(name, args, 1).getFirst());
            case "print" -> TextNode.valueOf(sprint(args));
            case "println" -> TextNode.valueOf(sprintln(args));
            case "not" -> BooleanNode.valueOf(!GoValues.truthy(args(name, args, 1).getFirst()));
            case "and", "or" -> andOr(name.equals("and"), args);
            case "eq", "ne" -> BooleanNode.valueOf(equalsAny(args) == name.equals("eq"));
            case "lt", "le", "gt", "ge" -> compare(name, args);
            default -> throw new CallException("function \"" + name + "\" not defined");
        };
    }

    private static List<JsonNode> args(String name, List<JsonNode> args, int count) {
        if (args.size() != count) {
            throw new CallException("wrong number of args for " + name + ": want " + count + " got " + args.size());
        }
        return args;
    }

    /** A string argument: text as is, a number or boolean as printed; nothing, a list or a map refused. */
    private static String string(JsonNode v, String function) {
        if (v.isMissingNode() || v.isNull()) {
            throw new CallException("error calling " + function + ": invalid value; expected string");
        }
        if (v.isContainerNode()) {
            throw new CallException("error calling " + function + ": wrong type for value; expected string; got "
                    + GoValues.typeName(v));
        }
        return GoValues.format(v);
    }

    private static int integer(JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new CallException("wrong type for value; expected int; got " + GoValues.typeName(v));
        }
        return v.intValue();
    }

    private static JsonNode split(String s, String separator) {
        ArrayNode parts = JsonNodeFactory.instance.arrayNode();
        if (separator.isEmpty()) {
            s.codePoints().forEach(c -> parts.add(Character.toString(c))); // strings.Split: one per character
            return parts;
        }
        int from = 0;
        for (int at; (at = s.indexOf(separator, from)) >= 0; from = at + separator.length()) {
            parts.add(s.substring(from, at));
        }
        return parts.add(s.substring(from));
    }

    private static JsonNode join(JsonNode list, String separator) {
        if (!list.isArray()) {
            throw new CallException("error calling join: wrong type for value; expected []string; got "
                    + GoValues.typeName(list));
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < list.size(); i++) {
            out.append(i == 0 ? "" : separator).append(GoValues.format(list.get(i)));
        }
        return TextNode.valueOf(out.toString());
    }

    /** strings.Title: the first letter of each word upper case; letters, digits and '_' make words. */
    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean inWord = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            out.appendCodePoint(inWord ? c : Character.toTitleCase(c));
            inWord = Character.isLetterOrDigit(c) || c == '_';
            i += Character.charCount(c);
        }
        return out.toString();
    }

    /** templates.go padWithSpace: an empty string stays empty, so absent values take no room. */
    private static JsonNode pad(String s, int prefix, int suffix) {
        String padded = " ".repeat(Math.max(0, prefix)) + s + " ".repeat(Math.max(0, suffix));
        return TextNode.valueOf(s.isEmpty() ? s : padded);
    }

    /** templates.go truncateWithLength (counting characters where Go counts bytes). */
    private static JsonNode truncate(String s, int length) {
        if (s.codePointCount(0, s.length()) < length) {
            return TextNode.valueOf(s);
        }
        return TextNode.valueOf(s.substring(0, s.offsetByCodePoints(0, Math.max(0, length))));
    }

    /** text/template's index: each key indexes a map (absent key: no value) or a slice (in range). */
    private static JsonNode index(List<JsonNode> args) {
        if (args.isEmpty()) {
            throw new CallException("wrong number of args for index: want at least 1 got 0");
        }
        JsonNode item = args.getFirst();
        for (JsonNode key : args.subList(1, args.size())) {
            if (item.isMissingNode() || item.isNull()) {
                throw new CallException("error calling index: index of untyped nil");
            }
            if (item.isObject() && key.isTextual()) {
                item = item.has(key.textValue()) ? item.get(key.textValue()) : MissingNode.getInstance();
            } else if (item.isArray() && key.isIntegralNumber()) {
                long i = key.longValue();
                if (i < 0 || i >= item.size()) {
                    throw new CallException("error calling index: index out of range: " + i);
                }
                item = item.get((int) i);
            } else {
                throw new CallException("error calling index: cannot index " + GoValues.typeName(item) + " with "
                        + GoValues.typeName(key));
            }
        }
        return item;
    }

    private static JsonNode length(JsonNode v) {
        if (v.isTextual()) {
            return IntNode.valueOf(v.textValue().getBytes(StandardCharsets.UTF_8).length); // Go's len counts bytes
        }
        if (v.isContainerNode()) {
            return IntNode.valueOf(v.size());
        }
        throw new CallException("error calling len: len of " + GoValues.typeName(v));
    }

    /** fmt.Sprint: a space between operands when neither is a string. */
    private static String sprint(List<JsonNode> args) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            if (i > 0 && !args.get(i).isTextual() && !args.get(i - 1).isTextual()) {
                out.append(' ');
            }
            out.append(GoValues.format(args.get(i)));
        }
        return out.toString();
    }

    /** fmt.Sprintln: always a space between operands, and a newline after them. */
    private static String sprintln(List<JsonNode> args) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            out.append(i == 0 ? "" : " ").append(GoValues.format(args.get(i)));
        }
        return out.append('\n').toString();
    }

    /** and/or return the first argument that decides the result, else the last one (Go 1.18). */
    private static JsonNode andOr(boolean and, List<JsonNode> args) {
        if (args.isEmpty()) {
            throw new CallException("wrong number of args for " + (and ? "and" : "or") + ": want at least 1 got 0");
        }
        for (JsonNode v : args.subList(0, args.size() - 1)) {
            if (GoValues.truthy(v) != and) {
                return v;
            }
        }
        return args.getLast();
    }

    /** eq: the first argument equals any of the others. Numbers compare by value, nothing equals nothing. */
    private static boolean equalsAny(List<JsonNode> args) {
        if (args.size() < 2) {
            throw new CallException("wrong number of args for eq: want at least 2 got " + args.size());
        }
        JsonNode first = args.getFirst();
        for (JsonNode other : args.subList(1, args.size())) {
            if (first.isContainerNode() || other.isContainerNode()) {
                throw new CallException("error calling eq: non-comparable type " + GoValues.typeName(
                        first.isContainerNode() ? first : other));
            }
            boolean nothing = first.isMissingNode() || first.isNull();
            boolean otherNothing = other.isMissingNode() || other.isNull();
            if (nothing || otherNothing ? nothing == otherNothing : compareScalars("eq", first, other) == 0) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode compare(String name, List<JsonNode> args) {
        int order = compareScalars(name, args(name, args, 2).get(0), args.get(1));
        return BooleanNode.valueOf(switch (name) {
            case "lt" -> order < 0;
            case "le" -> order <= 0;
            case "gt" -> order > 0;
            default -> order >= 0;
        });
    }

    private static int compareScalars(String name, JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        if (a.isTextual() && b.isTextual()) {
            return a.textValue().compareTo(b.textValue());
        }
        if (a.isBoolean() && b.isBoolean() && name.equals("eq")) {
            return Boolean.compare(a.booleanValue(), b.booleanValue());
        }
        throw new CallException("error calling " + name + ": incompatible types for comparison: "
                + GoValues.typeName(a) + " and " + GoValues.typeName(b));
    }
}
