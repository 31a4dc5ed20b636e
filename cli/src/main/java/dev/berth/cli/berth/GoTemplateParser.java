package dev.berth.cli.berth;

import static dev.berth.cli.berth.GoTemplate.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.berth.cli.berth.GoTemplateLexer.Kind;
import dev.berth.cli.berth.GoTemplateLexer.Token;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Recursive descent over a Go template's tokens into the tree {@link GoTemplate} executes
 * (text/template/parse parse.go): variables must be declared before use and functions must
 * exist, as Go checks both when parsing.
 */
final class GoTemplateParser {
    /** A piece of the template: text, an action printing a pipeline, or a control structure. */
    sealed interface Node permits Text, Action, Branch, Range {
    }

    record Text(String text) implements Node {
    }

    record Action(Pipe pipe) implements Node {
    }

    /** {{if}} or {{with}} (which also sets dot); {@code otherwise} holds an {{else if}} as a nested Branch. */
    record Branch(boolean with, Pipe condition, List<Node> then, List<Node> otherwise) implements Node {
    }

    /** {{range}}: the body per element, {@code otherwise} when there are none. */
    record Range(Pipe over, List<Node> body, List<Node> otherwise) implements Node {
    }

    /**
     * Commands joined by "|", each one's value the last argument of the next; {@code variables} are
     * declared (":=") or, with {@code assign}, set ("=") to the value.
     */
    record Pipe(int pos, List<String> variables, boolean assign, List<Command> commands) {
    }

    /** A function and its arguments, or a single operand; {@code text} is its source, for errors. */
    record Command(int pos, String text, List<Operand> operands) {
    }

    /** What a command is made of: a field chain of dot, a variable with its chain, a constant, a call, (a pipeline). */
    sealed interface Operand permits Field, Variable, Literal, Function, Nested {
    }

    record Field(List<String> path) implements Operand {
    }

    record Variable(String name, List<String> path) implements Operand {
    }

    record Literal(JsonNode value) implements Operand {
    }

    record Function(String name) implements Operand {
    }

    record Nested(Pipe pipe) implements Operand {
    }

    private final String source;
    private final List<Token> tokens;
    private final List<String> variables = new ArrayList<>(List.of("$"));
    private int p;

    private GoTemplateParser(String source, List<Token> tokens) {
        this.source = source;
        this.tokens = tokens;
    }

    /** The template's nodes; throws {@link GoTemplate.TemplateException} naming the position. */
    static List<Node> parse(String source) {
        return new GoTemplateParser(source, GoTemplateLexer.lex(source)).list(false);
    }

    /** Nodes up to EOF, or inside a block up to (not including) its {{else}} or {{end}}. */
    private List<Node> list(boolean inBlock) {
        List<Node> nodes = new ArrayList<>();
        while (true) {
            Token t = tokens.get(p);
            if (t.kind() == Kind.EOF) {
                if (inBlock) {
                    throw error(source, t.pos(), "unexpected EOF");
                }
                return nodes;
            }
            if (t.kind() == Kind.TEXT) {
                nodes.add(new Text(t.text()));
                p++;
                continue;
            }
            Token keyword = tokens.get(p + 1);
            if (keyword.kind() == Kind.IDENT && (keyword.text().equals("end") || keyword.text().equals("else"))) {
                if (!inBlock) {
                    throw error(source, keyword.pos(), "unexpected {{" + keyword.text() + "}}");
                }
                return nodes;
            }
            p++;
            nodes.add(action());
        }
    }

    private Node action() {
        Token t = tokens.get(p);
        if (t.kind() == Kind.IDENT) {
            switch (t.text()) {
                case "if", "with", "range" -> {
                    p++;
                    return control(t);
                }
                case "define", "template", "block", "break", "continue" ->
                        throw error(source, t.pos(), "{{" + t.text() + "}} is not supported");
                default -> { }
            }
        }
        Pipe pipe = pipeline("command", true);
        expect(Kind.CLOSE, "command");
        return new Action(pipe);
    }

    /** if, with or range after its keyword, through its {{end}}; "{{else if}}" nests and shares the end. */
    private Node control(Token keyword) {
        int mark = variables.size();
        boolean range = keyword.text().equals("range");
        Pipe pipe = pipeline(keyword.text(), true);
        expect(Kind.CLOSE, keyword.text());
        List<Node> body = list(true);
        List<Node> otherwise = List.of();
        p++; // the "{{" before end or else
        Token end = tokens.get(p++);
        if (end.text().equals("else")) {
            Token next = tokens.get(p);
            if (!range && next.kind() == Kind.IDENT && (next.text().equals("if") || next.text().equals("with"))) {
                p++;
                otherwise = List.of(control(next));
            } else {
                expect(Kind.CLOSE, "else");
                otherwise = list(true);
                p++;
                Token last = tokens.get(p++);
                if (!last.text().equals("end")) {
                    throw error(source, last.pos(), "expected end; found {{" + last.text() + "}}");
                }
                expect(Kind.CLOSE, "end");
            }
        } else {
            expect(Kind.CLOSE, "end");
        }
        variables.subList(mark, variables.size()).clear();
        return range ? new Range(pipe, body, otherwise)
                : new Branch(keyword.text().equals("with"), pipe, body, otherwise);
    }

    /** [$x := | $i, $v := | $x =] command { "|" command }. */
    private Pipe pipeline(String context, boolean declarations) {
        int pos = tokens.get(p).pos();
        List<String> declared = new ArrayList<>();
        boolean assign = false;
        boolean found = false;
        int start = p;
        while (declarations && tokens.get(p).kind() == Kind.VARIABLE && !tokens.get(p).text().contains(".")) {
            declared.add(tokens.get(p++).text());
            Kind k = tokens.get(p).kind();
            if (k == Kind.DECLARE || k == Kind.ASSIGN) {
                assign = k == Kind.ASSIGN;
                found = true;
                p++;
                break;
            }
            if (k != Kind.COMMA) {
                break;
            }
            p++;
        }
        if (!found) {
            declared.clear(); // "$x" with no ":=" after it is an operand
            p = start;
        }
        if (declared.size() > (context.equals("range") ? 2 : 1)) {
            throw error(source, pos, "too many declarations in " + context);
        }
        for (String name : declared) {
            if (assign) {
                checkDefined(name, pos);
            } else {
                variables.add(name);
            }
        }
        List<Command> commands = new ArrayList<>();
        commands.add(command(context));
        while (tokens.get(p).kind() == Kind.PIPE) {
            p++;
            commands.add(command(context));
        }
        return new Pipe(pos, declared, assign, commands);
    }

    private Command command(String context) {
        int pos = tokens.get(p).pos();
        List<Operand> operands = new ArrayList<>();
        while (true) {
            Token t = tokens.get(p);
            switch (t.kind()) {
                case CLOSE, RPAREN, PIPE, EOF -> {
                    if (operands.isEmpty()) {
                        throw error(source, t.pos(), "missing value for " + context);
                    }
                    return new Command(pos, source.substring(pos, t.pos()).strip(), operands);
                }
                default -> operands.add(operand(t));
            }
        }
    }

    private Operand operand(Token t) {
        p++;
        return switch (t.kind()) {
            case FIELD -> new Field(path(t.text()));
            case DOT -> new Field(List.of());
            case VARIABLE -> {
                List<String> parts = path(t.text());
                checkDefined(parts.getFirst(), t.pos());
                yield new Variable(parts.getFirst(), parts.subList(1, parts.size()));
            }
            case STRING -> new Literal(TextNode.valueOf(t.text()));
            case NUMBER -> new Literal(number(t));
            case LPAREN -> {
                Pipe nested = pipeline("parenthesized pipeline", false);
                expect(Kind.RPAREN, "parenthesized pipeline");
                yield new Nested(nested);
            }
            case IDENT -> switch (t.text()) {
                case "true", "false" -> new Literal(BooleanNode.valueOf(t.text().equals("true")));
                case "nil" -> new Literal(NullNode.getInstance());
                default -> {
                    if (!GoFunctions.exists(t.text())) {
                        throw error(source, t.pos(), "function \"" + t.text() + "\" not defined");
                    }
                    yield new Function(t.text());
                }
            };
            default -> throw error(source, t.pos(), "unexpected \"" + t.text() + "\" in operand");
        };
    }

    /** ".A.B" -> [A, B]; "$x.A" -> [$x, A]. */
    private static List<String> path(String text) {
        List<String> parts = new ArrayList<>(Arrays.asList(text.split("\\.", -1)));
        if (parts.getFirst().isEmpty()) {
            parts.removeFirst();
        }
        return List.copyOf(parts);
    }

    private JsonNode number(Token t) {
        String text = t.text().startsWith("+") ? t.text().substring(1) : t.text();
        try {
            if (text.matches("-?[0-9]+")) {
                long value = Long.parseLong(text);
                return value == (int) value ? IntNode.valueOf((int) value) : LongNode.valueOf(value);
            }
            if (text.matches("-?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?")) {
                return DoubleNode.valueOf(Double.parseDouble(text));
            }
        } catch (NumberFormatException tooLarge) {
            // reported below
        }
        throw error(source, t.pos(), "bad number syntax: \"" + t.text() + "\"");
    }

    private void checkDefined(String name, int pos) {
        if (!variables.contains(name)) {
            throw error(source, pos, "undefined variable \"" + name + "\"");
        }
    }

    private void expect(Kind kind, String context) {
        Token t = tokens.get(p);
        if (t.kind() != kind) {
            String what = t.kind() == Kind.EOF ? "EOF" : "\"" + t.text() + "\"";
            throw error(source, t.pos(), "unexpected " + what + " in " + context);
        }
        p++;
    }
}
