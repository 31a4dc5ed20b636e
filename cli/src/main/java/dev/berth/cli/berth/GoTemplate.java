package dev.berth.cli.berth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.berth.cli.berth.GoTemplateParser.Action;
import dev.berth.cli.berth.GoTemplateParser.Branch;
import dev.berth.cli.berth.GoTemplateParser.Command;
import dev.berth.cli.berth.GoTemplateParser.Field;
import dev.berth.cli.berth.GoTemplateParser.Function;
import dev.berth.cli.berth.GoTemplateParser.Literal;
import dev.berth.cli.berth.GoTemplateParser.Nested;
import dev.berth.cli.berth.GoTemplateParser.Node;
import dev.berth.cli.berth.GoTemplateParser.Operand;
import dev.berth.cli.berth.GoTemplateParser.Pipe;
import dev.berth.cli.berth.GoTemplateParser.Range;
import dev.berth.cli.berth.GoTemplateParser.Text;
import dev.berth.cli.berth.GoTemplateParser.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The part of Go's text/template that docker users write in --format, evaluated on JSON: text,
 * actions with fields ({@code .A.B}), variables ({@code $}, {@code $x := ...}), literals, function
 * calls, pipelines and parentheses; {@code if}/{@code else if}/{@code else}, {@code with} and
 * {@code range} (with {@code $i, $v :=}); trim markers {@code {{- -}}} and comments. Not supported:
 * {@code define}, {@code template}, {@code block}, {@code break}, {@code continue}, methods.
 * A field a JSON object lacks is Go's missing map key: it prints {@code <no value>}.
 * Errors read "template: LINE:COL: ..." with Go's column (characters before it on its line).
 */
final class GoTemplate {
    /** A template that could not be parsed or executed. */
    static final class TemplateException extends IllegalArgumentException {
        TemplateException(String message) {
            super(message);
        }
    }

    private final String source;
    private final List<Node> nodes;

    private GoTemplate(String source, List<Node> nodes) {
        this.source = source;
        this.nodes = nodes;
    }

    static GoTemplate parse(String source) {
        return new GoTemplate(source, GoTemplateParser.parse(source));
    }

    String execute(JsonNode data) {
        return new Exec(data, false).run();
    }

    /** Executes for a table's header row: docker's string functions return their first argument. */
    String executeHeader(JsonNode headers) {
        return new Exec(headers, true).run();
    }

    static TemplateException error(String source, int pos, String message) {
        int lineStart = source.lastIndexOf('\n', pos - 1) + 1;
        long line = 1 + source.substring(0, pos).chars().filter(c -> c == '\n').count();
        return new TemplateException("template: " + line + ":" + (pos - lineStart) + ": " + message);
    }

    /** One execution: the variables in scope and the output so far. */
    private final class Exec {
        private final boolean header;
        private final List<String> names = new ArrayList<>();
        private final List<JsonNode> values = new ArrayList<>();

        Exec(JsonNode data, boolean header) {
            this.header = header;
            declare("$", data);
        }

        String run() {
            StringBuilder out = new StringBuilder();
            walk(nodes, values.getFirst(), out);
            return out.toString();
        }

        private void walk(List<Node> list, JsonNode dot, StringBuilder out) {
            for (Node node : list) {
                int mark = names.size();
                switch (node) {
                    case Text text -> out.append(text.text());
                    case Action action -> {
                        JsonNode value = pipe(action.pipe(), dot);
                        if (action.pipe().variables().isEmpty()) {
                            out.append(GoValues.print(value));
                        } else {
                            bind(action.pipe(), value);
                            mark = names.size(); // a declaration lasts to the end of the enclosing block
                        }
                    }
                    case Branch branch -> {
                        JsonNode value = pipe(branch.condition(), dot);
                        bind(branch.condition(), value);
                        boolean taken = GoValues.truthy(value);
                        walk(taken ? branch.then() : branch.otherwise(), taken && branch.with() ? value : dot, out);
                    }
                    case Range range -> range(range, dot, out);
                }
                truncate(mark);
            }
        }

        /** range over a slice (index, element) or a map (key, value; keys sorted, as Go does); nil: none. */
        private void range(Range range, JsonNode dot, StringBuilder out) {
            JsonNode over = pipe(range.over(), dot);
            List<String> vars = range.over().variables();
            List<Map.Entry<JsonNode, JsonNode>> items = new ArrayList<>();
            if (over.isArray()) {
                for (int i = 0; i < over.size(); i++) {
                    items.add(Map.entry(IntNode.valueOf(i), over.get(i)));
                }
            } else if (over.isObject()) {
                over.properties().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> items.add(Map.entry(TextNode.valueOf(e.getKey()), e.getValue())));
            } else if (!over.isMissingNode() && !over.isNull()) {
                throw error(source, range.over().pos(), "range can't iterate over " + GoValues.format(over));
            }
            for (Map.Entry<JsonNode, JsonNode> item : items) {
                int mark = names.size();
                if (vars.size() == 1) {
                    declare(vars.getFirst(), item.getValue());
                } else if (vars.size() == 2) {
                    declare(vars.get(0), item.getKey());
                    declare(vars.get(1), item.getValue());
                }
                walk(range.body(), item.getValue(), out);
                truncate(mark);
            }
            if (items.isEmpty()) {
                walk(range.otherwise(), dot, out);
            }
        }

        private JsonNode pipe(Pipe pipe, JsonNode dot) {
            JsonNode value = null;
            for (Command command : pipe.commands()) {
                value = command(command, dot, value);
            }
            return value;
        }

        private void bind(Pipe pipe, JsonNode value) {
            if (pipe.variables().isEmpty()) {
                return;
            }
            String name = pipe.variables().getFirst();
            if (pipe.assign()) {
                values.set(names.lastIndexOf(name), value);
            } else {
                declare(name, value);
            }
        }

        /** A command's value; {@code piped} (null: none) is the previous command's, a function's last argument. */
        private JsonNode command(Command command, JsonNode dot, JsonNode piped) {
            List<Operand> operands = command.operands();
            try {
                if (operands.getFirst() instanceof Function function) {
                    List<JsonNode> args = new ArrayList<>();
                    for (Operand operand : operands.subList(1, operands.size())) {
                        args.add(operand(operand, dot));
                    }
                    if (piped != null) {
                        args.add(piped);
                    }
                    return GoFunctions.call(function.name(), args, header);
                }
                if (operands.size() > 1 || piped != null) {
                    throw new GoFunctions.CallException("can't give argument to non-function " + command.text()
                            .split("\\s+")[0]);
                }
                return operand(operands.getFirst(), dot);
            } catch (GoFunctions.CallException e) {
                throw error(source, command.pos(), "executing <" + command.text() + ">: " + e.getMessage());
            }
        }

        private JsonNode operand(Operand operand, JsonNode dot) {
            return switch (operand) {
                case Field field -> field(dot, field.path());
                case Variable variable -> field(values.get(names.lastIndexOf(variable.name())), variable.path());
                case Literal literal -> literal.value();
                case Function function -> GoFunctions.call(function.name(), List.of(), header);
                case Nested nested -> pipe(nested.pipe(), dot);
            };
        }

        /**
         * A map's missing key gives no value, and so does any field of no value (exec.go evalField);
         * a field of JSON null is Go's nil pointer error, a field of a string or number a type error.
         */
        private JsonNode field(JsonNode value, List<String> path) {
            for (String name : path) {
                if (value.isMissingNode()) {
                    return value;
                }
                if (value.isNull()) {
                    throw new GoFunctions.CallException("nil pointer evaluating interface {}." + name);
                }
                if (!value.isObject()) {
                    throw new GoFunctions.CallException("can't evaluate field " + name + " in type "
                            + GoValues.typeName(value));
                }
                value = value.has(name) ? value.get(name) : MissingNode.getInstance();
            }
            return value;
        }

        private void declare(String name, JsonNode value) {
            names.add(name);
            values.add(value);
        }

        private void truncate(int size) {
            names.subList(size, names.size()).clear();
            values.subList(size, values.size()).clear();
        }
    }
}
