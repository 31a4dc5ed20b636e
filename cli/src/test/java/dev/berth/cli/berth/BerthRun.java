package dev.berth.cli.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One bin/berth command line run in-process ({@link BerthMain#execute}), with what it printed. */
record BerthRun(int code, String out, String err) {
    /** Runs {@code args} with {@code stdin} as standard input, not on a terminal. */
    static BerthRun of(String stdin, List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = BerthMain.execute(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), o, e, false,
                    args.toArray(String[]::new));
        }
        return new BerthRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code args} with {@code --root root} in front, no standard input. */
    static BerthRun withRoot(java.nio.file.Path root, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--root", root.toString()));
        all.addAll(List.of(args));
        return of("", all);
    }

    List<String> lines() {
        return out.lines().toList();
    }

    BerthRun ok() {
        assertEquals(0, code, this::toString);
        return this;
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
