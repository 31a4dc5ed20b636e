package dev.berth.spec;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The hand-written reader of config.json: one method per record, fields by JSON name, unknown
 * fields skipped (config.md: "MUST ignore unknown properties"). It produces exactly the records
 * Jackson's data binding produced from the same text (SpecReaderEquivalenceTest compares the two
 * over every field), at a fraction of the cold-start cost. The Linux section is in {@link LinuxJson}.
 *
 * <p>Which fields are Go unsigned types follows the runtime-spec's Go structs (specs-go/config.go)
 * and is marked on the records with {@link Unsigned} for the writer.
 */
final class SpecJson {

    private SpecJson() {
    }

    static Spec spec(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String ociVersion = null;
        Process process = null;
        Root root = null;
        String hostname = null;
        String domainname = null;
        List<Mount> mounts = null;
        Hooks hooks = null;
        Map<String, String> annotations = null;
        Linux linux = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "ociVersion" -> ociVersion = in.string();
                case "process" -> process = process(in);
                case "root" -> root = root(in);
                case "hostname" -> hostname = in.string();
                case "domainname" -> domainname = in.string();
                case "mounts" -> mounts = in.list(SpecJson::mount);
                case "hooks" -> hooks = hooks(in);
                case "annotations" -> annotations = in.stringMap();
                case "linux" -> linux = LinuxJson.linux(in);
                default -> in.skipValue();
            }
        }
        return new Spec(ociVersion, process, root, hostname, domainname, mounts, hooks, annotations, linux);
    }

    static Root root(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String path = null;
        Boolean readonly = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "path" -> path = in.string();
                case "readonly" -> readonly = in.bool();
                default -> in.skipValue();
            }
        }
        return new Root(path, readonly);
    }

    static Mount mount(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String destination = null;
        String type = null;
        String source = null;
        List<String> options = null;
        List<IdMapping> uidMappings = null;
        List<IdMapping> gidMappings = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "destination" -> destination = in.string();
                case "type" -> type = in.string();
                case "source" -> source = in.string();
                case "options" -> options = in.strings();
                case "uidMappings" -> uidMappings = in.list(SpecJson::idMapping);
                case "gidMappings" -> gidMappings = in.list(SpecJson::idMapping);
                default -> in.skipValue();
            }
        }
        return new Mount(destination, type, source, options, uidMappings, gidMappings);
    }

    static IdMapping idMapping(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        Long containerID = null;
        Long hostID = null;
        Long size = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "containerID" -> containerID = in.uint32();
                case "hostID" -> hostID = in.uint32();
                case "size" -> size = in.uint32();
                default -> in.skipValue();
            }
        }
        return new IdMapping(containerID, hostID, size);
    }

    static Hooks hooks(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        List<Hooks.Hook> prestart = null;
        List<Hooks.Hook> createRuntime = null;
        List<Hooks.Hook> createContainer = null;
        List<Hooks.Hook> startContainer = null;
        List<Hooks.Hook> poststart = null;
        List<Hooks.Hook> poststop = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "prestart" -> prestart = in.list(SpecJson::hook);
                case "createRuntime" -> createRuntime = in.list(SpecJson::hook);
                case "createContainer" -> createContainer = in.list(SpecJson::hook);
                case "startContainer" -> startContainer = in.list(SpecJson::hook);
                case "poststart" -> poststart = in.list(SpecJson::hook);
                case "poststop" -> poststop = in.list(SpecJson::hook);
                default -> in.skipValue();
            }
        }
        return new Hooks(prestart, createRuntime, createContainer, startContainer, poststart, poststop);
    }

    static Hooks.Hook hook(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String path = null;
        List<String> args = null;
        List<String> env = null;
        Integer timeout = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "path" -> path = in.string();
                case "args" -> args = in.strings();
                case "env" -> env = in.strings();
                case "timeout" -> timeout = in.int32();
                default -> in.skipValue();
            }
        }
        return new Hooks.Hook(path, args, env, timeout);
    }

    static Process process(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        Boolean terminal = null;
        Process.ConsoleSize consoleSize = null;
        Process.User user = null;
        List<String> args = null;
        String commandLine = null;
        List<String> env = null;
        String cwd = null;
        Process.Capabilities capabilities = null;
        List<Process.Rlimit> rlimits = null;
        Boolean noNewPrivileges = null;
        String apparmorProfile = null;
        Integer oomScoreAdj = null;
        Process.Scheduler scheduler = null;
        String selinuxLabel = null;
        Process.IoPriority ioPriority = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "terminal" -> terminal = in.bool();
                case "consoleSize" -> consoleSize = consoleSize(in);
                case "user" -> user = user(in);
                case "args" -> args = in.strings();
                case "commandLine" -> commandLine = in.string();
                case "env" -> env = in.strings();
                case "cwd" -> cwd = in.string();
                case "capabilities" -> capabilities = capabilities(in);
                case "rlimits" -> rlimits = in.list(SpecJson::rlimit);
                case "noNewPrivileges" -> noNewPrivileges = in.bool();
                case "apparmorProfile" -> apparmorProfile = in.string();
                case "oomScoreAdj" -> oomScoreAdj = in.int32();
                case "scheduler" -> scheduler = scheduler(in);
                case "selinuxLabel" -> selinuxLabel = in.string();
                case "ioPriority" -> ioPriority = ioPriority(in);
                default -> in.skipValue();
            }
        }
        return new Process(terminal, consoleSize, user, args, commandLine, env, cwd, capabilities, rlimits,
                noNewPrivileges, apparmorProfile, oomScoreAdj, scheduler, selinuxLabel, ioPriority);
    }

    static Process.ConsoleSize consoleSize(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        Long height = null;
        Long width = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "height" -> height = in.uint32();
                case "width" -> width = in.uint32();
                default -> in.skipValue();
            }
        }
        return new Process.ConsoleSize(height, width);
    }

    static Process.User user(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        Long uid = null;
        Long gid = null;
        Long umask = null;
        List<Long> additionalGids = null;
        String username = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "uid" -> uid = in.uint32();
                case "gid" -> gid = in.uint32();
                case "umask" -> umask = in.uint32();
                case "additionalGids" -> additionalGids = in.list(JsonInput::uint32);
                case "username" -> username = in.string();
                default -> in.skipValue();
            }
        }
        return new Process.User(uid, gid, umask, additionalGids, username);
    }

    static Process.Capabilities capabilities(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        List<String> bounding = null;
        List<String> effective = null;
        List<String> inheritable = null;
        List<String> permitted = null;
        List<String> ambient = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "bounding" -> bounding = in.strings();
                case "effective" -> effective = in.strings();
                case "inheritable" -> inheritable = in.strings();
                case "permitted" -> permitted = in.strings();
                case "ambient" -> ambient = in.strings();
                default -> in.skipValue();
            }
        }
        return new Process.Capabilities(bounding, effective, inheritable, permitted, ambient);
    }

    static Process.Rlimit rlimit(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String type = null;
        Long hard = null;
        Long soft = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "type" -> type = in.string();
                case "hard" -> hard = in.uint64();
                case "soft" -> soft = in.uint64();
                default -> in.skipValue();
            }
        }
        return new Process.Rlimit(type, hard, soft);
    }

    static Process.Scheduler scheduler(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String policy = null;
        Integer nice = null;
        Integer priority = null;
        List<String> flags = null;
        Long runtime = null;
        Long deadline = null;
        Long period = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "policy" -> policy = in.string();
                case "nice" -> nice = in.int32();
                case "priority" -> priority = in.int32();
                case "flags" -> flags = in.strings();
                case "runtime" -> runtime = in.uint64();
                case "deadline" -> deadline = in.uint64();
                case "period" -> period = in.uint64();
                default -> in.skipValue();
            }
        }
        return new Process.Scheduler(policy, nice, priority, flags, runtime, deadline, period);
    }

    static Process.IoPriority ioPriority(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String ioClass = null;
        Integer priority = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "class" -> ioClass = in.string();
                case "priority" -> priority = in.int32();
                default -> in.skipValue();
            }
        }
        return new Process.IoPriority(ioClass, priority);
    }
}
