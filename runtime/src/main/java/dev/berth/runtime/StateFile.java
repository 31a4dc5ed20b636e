package dev.berth.runtime;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.berth.cgroups.CgroupRecord;
import dev.berth.runtime.config.HookConfig;
import dev.berth.runtime.config.HookSet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * state.json, read and written with Jackson's streaming API: every CLI call reads it, and data
 * binding costs tens of milliseconds of reflection on a cold JVM (docs/benchmarks.md).
 */
final class StateFile {
    private StateFile() {
    }

    private static final class Factory {
        static final JsonFactory JSON = new JsonFactory();
    }

    /**
     * Written next to the target under a fixed name, then renamed over it (rename(2) is atomic):
     * a reader sees the old or the new file, never half of one. The state directory is the
     * container's own, so no other writer can use the same temporary name.
     */
    static void write(Path file, ContainerRecord record) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = Channels.newOutputStream(channel);
            try (JsonGenerator json = Factory.JSON.createGenerator(out)) {
                json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                writeRecord(json, record);
            }
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeRecord(JsonGenerator json, ContainerRecord r) throws IOException {
        json.writeStartObject();
        json.writeStringField("ociVersion", r.ociVersion());
        json.writeStringField("id", r.id());
        json.writeNumberField("pid", r.pid());
        json.writeNumberField("pidStartTime", r.pidStartTime());
        json.writeStringField("bundle", r.bundle());
        json.writeStringField("rootfs", r.rootfs());
        json.writeStringField("created", r.created());
        json.writeStringField("owner", r.owner());
        json.writeObjectFieldStart("annotations");
        for (Map.Entry<String, String> e : r.annotations().entrySet()) {
            json.writeStringField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
        CgroupRecord cgroup = r.cgroup();
        json.writeObjectFieldStart("cgroup");
        json.writeStringField("driver", cgroup.driver());
        json.writeObjectFieldStart("paths");
        for (Map.Entry<String, String> e : cgroup.paths().entrySet()) {
            json.writeStringField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
        json.writeArrayFieldStart("created");
        for (String dir : cgroup.created()) {
            json.writeString(dir);
        }
        json.writeEndArray();
        json.writeEndObject();
        writeHooks(json, r.hooks());
        json.writeEndObject();
    }

    private static void writeHooks(JsonGenerator json, HookSet hooks) throws IOException {
        json.writeObjectFieldStart("hooks");
        writeHookList(json, "prestart", hooks.prestart());
        writeHookList(json, "createRuntime", hooks.createRuntime());
        writeHookList(json, "createContainer", hooks.createContainer());
        writeHookList(json, "startContainer", hooks.startContainer());
        writeHookList(json, "poststart", hooks.poststart());
        writeHookList(json, "poststop", hooks.poststop());
        json.writeEndObject();
    }

    private static void writeHookList(JsonGenerator json, String name, List<HookConfig> hooks) throws IOException {
        json.writeArrayFieldStart(name);
        for (HookConfig hook : hooks) {
            json.writeStartObject();
            json.writeStringField("path", hook.path());
            writeStrings(json, "args", hook.args());
            writeStrings(json, "env", hook.env());
            if (hook.timeoutSeconds() != null) {
                json.writeNumberField("timeout", hook.timeoutSeconds());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void writeStrings(JsonGenerator json, String name, List<String> values) throws IOException {
        json.writeArrayFieldStart(name);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    private static HookSet hooks(JsonParser json, Path file) throws IOException {
        checkCurrent(json, JsonToken.START_OBJECT, file);
        Map<String, List<HookConfig>> phases = new LinkedHashMap<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String phase = json.currentName();
            json.nextToken();
            checkCurrent(json, JsonToken.START_ARRAY, file);
            List<HookConfig> list = new ArrayList<>();
            while (json.nextToken() == JsonToken.START_OBJECT) {
                list.add(hook(json, file));
            }
            phases.put(phase, List.copyOf(list));
        }
        return new HookSet(phases.getOrDefault("prestart", List.of()), phases.getOrDefault("createRuntime", List.of()),
                phases.getOrDefault("createContainer", List.of()), phases.getOrDefault("startContainer", List.of()),
                phases.getOrDefault("poststart", List.of()), phases.getOrDefault("poststop", List.of()));
    }

    private static HookConfig hook(JsonParser json, Path file) throws IOException {
        String path = null;
        List<String> args = List.of();
        List<String> env = List.of();
        Integer timeout = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            json.nextToken();
            switch (field) {
                case "path" -> path = json.getText();
                case "args" -> args = strings(json, file);
                case "env" -> env = strings(json, file);
                case "timeout" -> timeout = json.getIntValue();
                default -> json.skipChildren();
            }
        }
        return new HookConfig(path, args, env, timeout);
    }

    private static List<String> strings(JsonParser json, Path file) throws IOException {
        checkCurrent(json, JsonToken.START_ARRAY, file);
        List<String> values = new ArrayList<>();
        while (json.nextToken() != JsonToken.END_ARRAY) {
            values.add(json.getText());
        }
        return List.copyOf(values);
    }

    static ContainerRecord read(Path file) throws IOException {
        try (JsonParser json = Factory.JSON.createParser(Files.newInputStream(file))) {
            expect(json, JsonToken.START_OBJECT, file);
            String ociVersion = null, id = null, bundle = null, rootfs = null, created = null, owner = "";
            int pid = 0;
            long startTime = 0;
            Map<String, String> annotations = Map.of();
            CgroupRecord cgroup = null;
            HookSet hooks = HookSet.NONE;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                switch (field) {
                    case "ociVersion" -> ociVersion = json.getText();
                    case "id" -> id = json.getText();
                    case "pid" -> pid = json.getIntValue();
                    case "pidStartTime" -> startTime = json.getLongValue();
                    case "bundle" -> bundle = json.getText();
                    case "rootfs" -> rootfs = json.getText();
                    case "created" -> created = json.getText();
                    case "owner" -> owner = json.getText();
                    case "annotations" -> annotations = stringMap(json, file);
                    case "cgroup" -> cgroup = cgroup(json, file);
                    case "hooks" -> hooks = hooks(json, file);
                    default -> json.skipChildren();
                }
            }
            if (id == null || cgroup == null) {
                throw new IOException(file + ": incomplete state (no id or cgroup)");
            }
            return new ContainerRecord(ociVersion, id, pid, startTime, bundle, rootfs, created, owner, annotations, cgroup, hooks);
        }
    }

    private static CgroupRecord cgroup(JsonParser json, Path file) throws IOException {
        checkCurrent(json, JsonToken.START_OBJECT, file);
        String driver = null;
        Map<String, String> paths = Map.of();
        List<String> created = new ArrayList<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            json.nextToken();
            switch (field) {
                case "driver" -> driver = json.getText();
                case "paths" -> paths = stringMap(json, file);
                case "created" -> {
                    checkCurrent(json, JsonToken.START_ARRAY, file);
                    while (json.nextToken() != JsonToken.END_ARRAY) {
                        created.add(json.getText());
                    }
                }
                default -> json.skipChildren();
            }
        }
        return new CgroupRecord(driver, paths, created);
    }

    private static Map<String, String> stringMap(JsonParser json, Path file) throws IOException {
        checkCurrent(json, JsonToken.START_OBJECT, file);
        Map<String, String> map = new LinkedHashMap<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String key = json.currentName();
            json.nextToken();
            map.put(key, json.getText());
        }
        return map;
    }

    private static void expect(JsonParser json, JsonToken token, Path file) throws IOException {
        json.nextToken();
        checkCurrent(json, token, file);
    }

    private static void checkCurrent(JsonParser json, JsonToken token, Path file) throws IOException {
        if (json.currentToken() != token) {
            throw new IOException(file + ": malformed state: expected " + token + " at " + json.currentLocation());
        }
    }
}
