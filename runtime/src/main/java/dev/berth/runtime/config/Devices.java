package dev.berth.runtime.config;

import dev.berth.spec.Linux;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Device nodes a container gets: the runtime-spec's default set plus linux.devices. */
final class Devices {
    private Devices() {
    }

    /** config-linux.md "Default Devices": every runtime MUST supply these. */
    static final List<DeviceConfig> DEFAULTS = List.of(
            chr("/dev/null", 1, 3), chr("/dev/zero", 1, 5), chr("/dev/full", 1, 7),
            chr("/dev/random", 1, 8), chr("/dev/urandom", 1, 9), chr("/dev/tty", 5, 0));

    private static DeviceConfig chr(String path, long major, long minor) {
        return new DeviceConfig(path, DeviceConfig.S_IFCHR | 0666, major, minor, 0, 0);
    }

    /** Defaults, with entries of linux.devices replacing a default of the same path. */
    static List<DeviceConfig> forContainer(Linux linux) {
        Map<String, DeviceConfig> byPath = new LinkedHashMap<>();
        for (DeviceConfig device : DEFAULTS) {
            byPath.put(device.path(), device);
        }
        for (Linux.Device d : SpecConverter.orEmpty(linux.devices())) {
            byPath.put(d.path(), convert(d));
        }
        return new ArrayList<>(byPath.values());
    }

    private static DeviceConfig convert(Linux.Device d) {
        int type = switch (d.type()) {
            case "b" -> DeviceConfig.S_IFBLK;
            case "p" -> DeviceConfig.S_IFIFO;
            default -> DeviceConfig.S_IFCHR; // "c" and "u" (unbuffered character device)
        };
        int permissions = d.fileMode() == null ? 0666 : (int) (d.fileMode() & 07777);
        return new DeviceConfig(d.path(), type | permissions, orZero(d.major()), orZero(d.minor()),
                orZero(d.uid()), orZero(d.gid()));
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
