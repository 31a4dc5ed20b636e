package dev.berth.spec;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The reader of config.json's {@code linux} section; the conventions are those of {@link SpecJson}. */
final class LinuxJson {

    private LinuxJson() {
    }

    static Linux linux(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        List<IdMapping> uidMappings = null;
        List<IdMapping> gidMappings = null;
        Map<String, String> sysctl = null;
        LinuxResources resources = null;
        String cgroupsPath = null;
        List<Linux.Namespace> namespaces = null;
        List<Linux.Device> devices = null;
        Seccomp seccomp = null;
        String rootfsPropagation = null;
        List<String> maskedPaths = null;
        List<String> readonlyPaths = null;
        String mountLabel = null;
        Linux.IntelRdt intelRdt = null;
        Linux.Personality personality = null;
        Map<String, Linux.TimeOffset> timeOffsets = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "uidMappings" -> uidMappings = in.list(SpecJson::idMapping);
                case "gidMappings" -> gidMappings = in.list(SpecJson::idMapping);
                case "sysctl" -> sysctl = in.stringMap();
                case "resources" -> resources = ResourcesJson.resources(in);
                case "cgroupsPath" -> cgroupsPath = in.string();
                case "namespaces" -> namespaces = in.list(LinuxJson::namespace);
                case "devices" -> devices = in.list(LinuxJson::device);
                case "seccomp" -> seccomp = seccomp(in);
                case "rootfsPropagation" -> rootfsPropagation = in.string();
                case "maskedPaths" -> maskedPaths = in.strings();
                case "readonlyPaths" -> readonlyPaths = in.strings();
                case "mountLabel" -> mountLabel = in.string();
                case "intelRdt" -> intelRdt = intelRdt(in);
                case "personality" -> personality = personality(in);
                case "timeOffsets" -> timeOffsets = in.map(LinuxJson::timeOffset);
                default -> in.skipValue();
            }
        }
        return new Linux(uidMappings, gidMappings, sysctl, resources, cgroupsPath, namespaces, devices, seccomp,
                rootfsPropagation, maskedPaths, readonlyPaths, mountLabel, intelRdt, personality, timeOffsets);
    }

    static Linux.Namespace namespace(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String type = null;
        String path = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "type" -> type = in.string();
                case "path" -> path = in.string();
                default -> in.skipValue();
            }
        }
        return new Linux.Namespace(type, path);
    }

    static Linux.Device device(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String path = null;
        String type = null;
        Long major = null;
        Long minor = null;
        Long fileMode = null;
        Long uid = null;
        Long gid = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "path" -> path = in.string();
                case "type" -> type = in.string();
                case "major" -> major = in.int64();
                case "minor" -> minor = in.int64();
                case "fileMode" -> fileMode = in.uint32();
                case "uid" -> uid = in.uint32();
                case "gid" -> gid = in.uint32();
                default -> in.skipValue();
            }
        }
        return new Linux.Device(path, type, major, minor, fileMode, uid, gid);
    }

    static Linux.TimeOffset timeOffset(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        Long secs = null;
        Long nanosecs = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "secs" -> secs = in.int64();
                case "nanosecs" -> nanosecs = in.uint32();
                default -> in.skipValue();
            }
        }
        return new Linux.TimeOffset(secs, nanosecs);
    }

    static Linux.IntelRdt intelRdt(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String closID = null;
        String l3CacheSchema = null;
        String memBwSchema = null;
        Boolean enableCMT = null;
        Boolean enableMBM = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "closID" -> closID = in.string();
                case "l3CacheSchema" -> l3CacheSchema = in.string();
                case "memBwSchema" -> memBwSchema = in.string();
                case "enableCMT" -> enableCMT = in.bool();
                case "enableMBM" -> enableMBM = in.bool();
                default -> in.skipValue();
            }
        }
        return new Linux.IntelRdt(closID, l3CacheSchema, memBwSchema, enableCMT, enableMBM);
    }

    static Linux.Personality personality(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String domain = null;
        List<String> flags = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "domain" -> domain = in.string();
                case "flags" -> flags = in.strings();
                default -> in.skipValue();
            }
        }
        return new Linux.Personality(domain, flags);
    }

    static Seccomp seccomp(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        String defaultAction = null;
        Long defaultErrnoRet = null;
        List<String> architectures = null;
        List<String> flags = null;
        String listenerPath = null;
        String listenerMetadata = null;
        List<Seccomp.Syscall> syscalls = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "defaultAction" -> defaultAction = in.string();
                case "defaultErrnoRet" -> defaultErrnoRet = in.uint32();
                case "architectures" -> architectures = in.strings();
                case "flags" -> flags = in.strings();
                case "listenerPath" -> listenerPath = in.string();
                case "listenerMetadata" -> listenerMetadata = in.string();
                case "syscalls" -> syscalls = in.list(LinuxJson::syscall);
                default -> in.skipValue();
            }
        }
        return new Seccomp(defaultAction, defaultErrnoRet, architectures, flags, listenerPath, listenerMetadata, syscalls);
    }

    static Seccomp.Syscall syscall(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        List<String> names = null;
        String action = null;
        Long errnoRet = null;
        List<Seccomp.Arg> args = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "names" -> names = in.strings();
                case "action" -> action = in.string();
                case "errnoRet" -> errnoRet = in.uint32();
                case "args" -> args = in.list(LinuxJson::seccompArg);
                default -> in.skipValue();
            }
        }
        return new Seccomp.Syscall(names, action, errnoRet, args);
    }

    static Seccomp.Arg seccompArg(JsonInput in) throws IOException {
        if (!in.beginObject()) {
            return null;
        }
        Long index = null;
        Long value = null;
        Long valueTwo = null;
        String op = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "index" -> index = in.uint32();
                case "value" -> value = in.uint64();
                case "valueTwo" -> valueTwo = in.uint64();
                case "op" -> op = in.string();
                default -> in.skipValue();
            }
        }
        return new Seccomp.Arg(index, value, valueTwo, op);
    }
}
