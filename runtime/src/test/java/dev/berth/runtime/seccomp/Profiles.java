package dev.berth.runtime.seccomp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.spec.Seccomp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Seccomp profiles for tests: built in code, or read from a JSON resource. */
final class Profiles {
    private Profiles() {
    }

    static Seccomp profile(String defaultAction, Seccomp.Syscall... rules) {
        return new Seccomp(defaultAction, null, null, null, null, null, List.of(rules));
    }

    static Seccomp profile(String defaultAction, Long defaultErrnoRet, List<String> architectures,
                           Seccomp.Syscall... rules) {
        return new Seccomp(defaultAction, defaultErrnoRet, architectures, null, null, null, List.of(rules));
    }

    static Seccomp.Syscall rule(String action, String name, Seccomp.Arg... args) {
        return new Seccomp.Syscall(List.of(name), action, null, List.of(args));
    }

    static Seccomp.Syscall rule(String action, Long errnoRet, List<String> names, Seccomp.Arg... args) {
        return new Seccomp.Syscall(names, action, errnoRet, List.of(args));
    }

    static Seccomp.Arg arg(int index, String op, long value) {
        return new Seccomp.Arg((long) index, value, null, op);
    }

    static Seccomp.Arg masked(int index, long mask, long expected) {
        return new Seccomp.Arg((long) index, mask, expected, "SCMP_CMP_MASKED_EQ");
    }

    /** A linux.seccomp object from a JSON resource next to this class. */
    static Seccomp fromResource(String name) {
        try (InputStream in = Profiles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError("test resource " + name + " is missing");
            }
            return fromJson(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Seccomp fromJson(JsonNode json) {
        List<Seccomp.Syscall> syscalls = new ArrayList<>();
        for (JsonNode syscall : json.path("syscalls")) {
            List<Seccomp.Arg> args = new ArrayList<>();
            for (JsonNode arg : syscall.path("args")) {
                args.add(new Seccomp.Arg(arg.get("index").asLong(), arg.get("value").asLong(),
                        arg.has("valueTwo") ? arg.get("valueTwo").asLong() : null, arg.get("op").asText()));
            }
            syscalls.add(new Seccomp.Syscall(strings(syscall.path("names")), syscall.get("action").asText(),
                    syscall.has("errnoRet") ? syscall.get("errnoRet").asLong() : null, args));
        }
        return new Seccomp(json.get("defaultAction").asText(),
                json.has("defaultErrnoRet") ? json.get("defaultErrnoRet").asLong() : null,
                strings(json.path("architectures")), strings(json.path("flags")), null, null, syscalls);
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(node -> list.add(node.asText()));
        return list;
    }

    static List<String> list(String... names) {
        return Arrays.asList(names);
    }
}
