package dev.berth.cli.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.cli.berth.GoTemplate.TemplateException;
import org.junit.jupiter.api.Test;

/**
 * The Go template subset of --format, against what Go's text/template (with docker's functions)
 * prints for the same template on the same JSON decoded into interface{}.
 */
class GoTemplateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = """
            {"Id": "sha256:0123456789abcdef", "RepoTags": ["busybox:1", "busybox:latest"], "Size": 4261376,
             "Ratio": 0.25, "Big": 12345678.5, "Tiny": 0.00001, "Empty": "", "Zero": 0, "Nothing": null,
             "Config": {"Cmd": ["sh", "-c", "echo hi"], "Env": [], "Labels": {"b": "2", "a": "1"},
                        "Html": "<none> & co", "Flag": true}}
            """;

    private static String run(String template, String json) throws Exception {
        return GoTemplate.parse(template).execute(JSON.readTree(json));
    }

    private static String run(String template) throws Exception {
        return run(template, IMAGE);
    }

    private static String parseError(String template) {
        return assertThrows(TemplateException.class, () -> GoTemplate.parse(template), template).getMessage();
    }

    private static String execError(String template) {
        return assertThrows(TemplateException.class, () -> run(template), template).getMessage();
    }

    @Test
    void textAndFields() throws Exception {
        assertEquals("no actions at all", run("no actions at all"));
        assertEquals("", run(""));
        assertEquals("id=sha256:0123456789abcdef!", run("id={{.Id}}!"));
        assertEquals("[sh -c echo hi]", run("{{.Config.Cmd}}"), "a slice as %v prints it");
        assertEquals("map[a:1 b:2]", run("{{.Config.Labels}}"), "a map with its keys sorted");
        assertEquals("true", run("{{.Config.Flag}}"));
        assertEquals("[]", run("{{.Config.Env}}"));
        assertEquals("<no value>", run("{{.Missing}}"), "a missing map key");
        assertEquals("<no value>", run("{{.Missing.Deeper}}"), "a field of no value is no value");
        assertEquals("<no value>", run("{{.Nothing}}"), "null is a nil interface, unwrapped to no value");
        assertEquals("map[a:1]", run("{{.}}", "{\"a\":1}"));
        assertEquals("hello", run("{{.}}", "\"hello\""));
    }

    @Test
    void numbersPrintAsGoPrintsThem() throws Exception {
        assertEquals("4261376", run("{{.Size}}"), "integers without .0 or an exponent");
        assertEquals("0.25", run("{{.Ratio}}"));
        assertEquals("1.23456785e+07", run("{{.Big}}"), "%v of a float64 of 8 digits before the point");
        assertEquals("1e-05", run("{{.Tiny}}"));
        assertEquals("12345678901234567890", run("{{.}}", "12345678901234567890"));
        assertEquals("3 -2 1.5", run("{{3}} {{-2}} {{1.5}}"));
    }

    @Test
    void dockersFunctions() throws Exception {
        assertEquals("[\"sh\",\"-c\",\"echo hi\"]", run("{{json .Config.Cmd}}"));
        assertEquals("{\"b\":\"2\",\"a\":\"1\"}", run("{{json .Config.Labels}}"), "document order, compact");
        assertEquals("\"<none> & co\"", run("{{json .Config.Html}}"), "docker's json does not escape HTML");
        assertEquals("null", run("{{json .Missing}}"));
        assertEquals("4261376", run("{{json .Size}}"));
        assertEquals("0.00001", run("{{json .Tiny}}"), "encoding/json writes floats down to 1e-6 plainly");
        assertEquals("busybox:1,busybox:latest", run("{{join .RepoTags \",\"}}"));
        assertEquals("[a b c]", run("{{split \"a:b:c\" \":\"}}"));
        assertEquals("b", run("{{index (split \"a:b:c\" \":\") 1}}"));
        assertEquals("SHA256:0123456789ABCDEF", run("{{upper .Id}}"));
        assertEquals("<none> & co", run("{{lower .Config.Html}}"));
        assertEquals("Hello World_x", run("{{title \"hello world_x\"}}"));
        assertEquals("sha256:0123", run("{{truncate .Id 11}}"));
        assertEquals("abc", run("{{truncate \"abc\" 12}}"), "shorter strings stay as they are");
        assertEquals("  x ", run("{{pad \"x\" 2 1}}"));
        assertEquals("", run("{{pad .Empty 2 1}}"), "pad leaves an empty string empty");
        assertEquals("sha256:0123456789abcdef\n", run("{{println .Id}}"));
        assertEquals("a 1 2\n", run("{{println \"a\" 1 2}}"));
        assertEquals("a1 2", run("{{print \"a\" 1 2}}"), "Sprint spaces only between non-strings");
    }

    @Test
    void builtins() throws Exception {
        assertEquals("1", run("{{index .Config.Labels \"a\"}}"));
        assertEquals("<no value>", run("{{index .Config.Labels \"zz\"}}"));
        assertEquals("-c", run("{{index .Config.Cmd 1}}"));
        assertEquals("3 2 23", run("{{len .Config.Cmd}} {{len .Config.Labels}} {{len .Id}}"));
        assertEquals("true false", run("{{eq .Size 4261376}} {{ne .Config.Flag true}}"));
        assertEquals("true", run("{{eq .Empty \"x\" \"\"}}"), "eq with several candidates");
        assertEquals("true true", run("{{lt 1 2}} {{ge \"b\" \"a\"}}"));
        assertEquals("true", run("{{not .Empty}}"));
        assertEquals("x", run("{{or .Empty \"x\"}}"));
        assertEquals("0", run("{{and .Size .Zero .Id}}"), "and returns the first false operand");
    }

    @Test
    void pipelinesParenthesesAndVariables() throws Exception {
        assertEquals("SHA256:0123", run("{{truncate (.Id | upper) 11}}"));
        assertEquals("[\"SH\",\"-C\",\"ECHO HI\"]", run("{{json (split (upper (join .Config.Cmd \",\")) \",\")}}"));
        assertEquals("ECHO HI", run("{{index .Config.Cmd 2 | upper}}"), "the piped value is the last argument");
        assertEquals("true", run("{{.Config.Cmd | len | eq 3}}"));
        assertEquals("4261376 4261376", run("{{$s := .Size}}{{$s}} {{$.Size}}"));
        assertEquals("1", run("{{with .Config}}{{$.Config.Labels.a}}{{end}}"), "$ is the data everywhere");
        assertEquals("b", run("{{$x := \"a\"}}{{$x = \"b\"}}{{$x}}"));
        assertEquals("", run("{{$x := .Size}}"), "a declaration prints nothing");
    }

    @Test
    void ifElseWithAndRange() throws Exception {
        assertEquals("yes", run("{{if .Size}}yes{{else}}no{{end}}"));
        assertEquals("no", run("{{if .Empty}}yes{{else}}no{{end}}"));
        assertEquals("no", run("{{if .Config.Env}}yes{{else}}no{{end}}"), "an empty slice is false");
        assertEquals("second", run("{{if .Zero}}first{{else if .Size}}second{{else}}third{{end}}"));
        assertEquals("third", run("{{if .Zero}}first{{else if .Empty}}second{{else}}third{{end}}"));
        assertEquals("[sh -c echo hi]", run("{{with .Config}}{{.Cmd}}{{end}}"));
        assertEquals("none", run("{{with .Missing}}{{.}}{{else}}none{{end}}"));
        assertEquals("sh|-c|echo hi|", run("{{range .Config.Cmd}}{{.}}|{{end}}"));
        assertEquals("a=1 b=2 ", run("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}} {{end}}"), "map keys sorted");
        assertEquals("0:sh 1:-c 2:echo hi ", run("{{range $i, $c := .Config.Cmd}}{{$i}}:{{$c}} {{end}}"));
        assertEquals("sh,-c,echo hi,", run("{{range $c := .Config.Cmd}}{{$c}},{{end}}"));
        assertEquals("empty", run("{{range .Config.Env}}x{{else}}empty{{end}}"));
        assertEquals("", run("{{range .Missing}}x{{end}}"), "ranging over nothing runs nothing");
        assertEquals("1-1:sh 1-1:-c ", run("{{range $i, $c := .Config.Cmd}}{{if lt $i 2}}{{$.Config.Labels.a}}-"
                + "{{index $.Config.Labels \"a\"}}:{{$c}} {{end}}{{end}}"));
    }

    @Test
    void trimMarkersAndComments() throws Exception {
        assertEquals("a ,b", run("a , {{- /* nothing */ -}} \n b"));
        assertEquals("ab", run("a  {{- \"\" -}}  \n\t b"));
        assertEquals("a -3 b", run("a {{-3}} b"), "without a space \"{{-3\" is the number -3");
        assertEquals("xy", run("x{{/* a comment */}}y"));
        assertEquals("1\n2\n", run("{{range .}}\n  {{- . }}\n{{end}}", "[1,2]"));
    }

    @Test
    void headerModeReturnsTheColumnNames() throws Exception {
        JsonNode header = JSON.readTree("{\"ID\":\"IMAGE ID\",\"Tag\":\"TAG\"}");
        GoTemplate t = GoTemplate.parse("{{lower .ID}}\t{{truncate .Tag 1}}\t{{json .ID}}\t{{pad .Tag 1 1}}");
        assertEquals("IMAGE ID\tTAG\tIMAGE ID\t TAG ", t.executeHeader(header),
                "docker's string functions return their argument; pad still pads");
    }

    @Test
    void parseErrorsNameTheLineAndColumn() {
        assertEquals("template: 1:3: unclosed action", parseError("ab {{.Id"));
        assertEquals("template: 1:2: function \"nope\" not defined", parseError("{{nope .Id}}"));
        assertEquals("template: 1:2: unexpected {{end}}", parseError("{{end}}"));
        assertEquals("template: 1:15: unexpected EOF", parseError("{{if .Size}}yes"));
        assertEquals("template: 2:2: missing value for command", parseError("x\n{{}}"));
        assertEquals("template: 1:4: missing value for if", parseError("{{if}}x{{end}}"));
        assertEquals("template: 1:2: undefined variable \"$x\"", parseError("{{$x}}"));
        assertEquals("template: 1:27: undefined variable \"$v\"", parseError("{{range $v := .A}}{{end}}{{$v}}"),
                "range's variables end with it");
        assertEquals("template: 1:3: bad character U+0023 '#'", parseError("{{ #}}"));
        assertEquals("template: 1:2: unterminated quoted string", parseError("{{\"abc}}"));
        assertEquals("template: 1:21: expected end; found {{else}}", parseError("{{if .A}}a{{else}}b{{else}}c{{end}}"));
        assertEquals("template: 1:2: {{define}} is not supported", parseError("{{define \"x\"}}{{end}}"));
        assertEquals("template: 1:9: unexpected \"}}\" in parenthesized pipeline", parseError("{{(len .A}}"));
        assertEquals("template: 1:2: bad number syntax: \"1x\"", parseError("{{1x}}"));
        assertEquals("template: 1:9: comment ends before closing delimiter", parseError("{{/* c */ }}"));
    }

    @Test
    void executionErrorsNameTheCommand() {
        assertEquals("template: 1:2: executing <index .RepoTags 5>: error calling index: index out of range: 5",
                execError("{{index .RepoTags 5}}"));
        assertEquals("template: 1:2: executing <.Id.Foo>: can't evaluate field Foo in type string",
                execError("{{.Id.Foo}}"));
        assertEquals("template: 1:2: executing <.Nothing.Foo>: nil pointer evaluating interface {}.Foo",
                execError("{{.Nothing.Foo}}"));
        assertEquals("template: 1:2: executing <join .Id \",\">: error calling join: wrong type for value; "
                + "expected []string; got string", execError("{{join .Id \",\"}}"));
        assertEquals("template: 1:2: executing <upper>: wrong number of args for upper: want 1 got 0",
                execError("{{upper}}"));
        assertEquals("template: 1:2: executing <lower .Missing>: error calling lower: invalid value; expected string",
                execError("{{lower .Missing}}"));
        assertEquals("template: 1:8: range can't iterate over 4261376", execError("{{range .Size}}{{end}}"));
        assertEquals("template: 1:2: executing <.Id 1>: can't give argument to non-function .Id",
                execError("{{.Id 1}}"));
    }
}
