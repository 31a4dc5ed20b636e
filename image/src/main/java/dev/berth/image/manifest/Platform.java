package dev.berth.image.manifest;

import java.util.List;
import java.util.Locale;

/**
 * An OCI platform (image-index.md "platform"): Go's GOOS/GOARCH names plus an optional CPU variant.
 * The canonical constructor normalises the way containerd's {@code platforms.Normalize} does, so that
 * "aarch64", "arm64" and "arm64/v8" all compare equal: registries publish all of these spellings.
 */
public record Platform(String os, String architecture, String variant, String osVersion, List<String> osFeatures) {

    public Platform {
        if (os == null || os.isBlank()) {
            throw new ManifestException("platform: field 'os' is missing");
        }
        if (architecture == null || architecture.isBlank()) {
            throw new ManifestException("platform: field 'architecture' is missing");
        }
        os = os.toLowerCase(Locale.ROOT);
        String[] archAndVariant = normalise(architecture.toLowerCase(Locale.ROOT),
                variant == null ? "" : variant.toLowerCase(Locale.ROOT));
        architecture = archAndVariant[0];
        variant = archAndVariant[1];
        osVersion = osVersion == null ? "" : osVersion;
        osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
    }

    public Platform(String os, String architecture, String variant) {
        this(os, architecture, variant, "", List.of());
    }

    /** The platform this JVM runs on: always linux (berth is a Linux engine), arch from {@code os.arch}. */
    public static Platform current() {
        return new Platform("linux", System.getProperty("os.arch", ""), "");
    }

    /** Parses "os/arch[/variant]", e.g. "linux/arm/v7". */
    public static Platform parse(String spec) {
        String[] parts = spec.split("/", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new ManifestException("platform '" + spec + "': expected os/arch[/variant]");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
    }

    /**
     * Maps JVM / uname / Debian architecture names to Go's and fills the default variant: arm64 is v8
     * and 32-bit arm is v7 when unspecified (containerd normalises the same way); amd64 "v1" is the
     * baseline, written as no variant.
     */
    private static String[] normalise(String arch, String variant) {
        return switch (arch) {
            case "x86_64", "x86-64", "amd64" -> new String[] {"amd64", variant.equals("v1") ? "" : variant};
            case "aarch64", "arm64" -> new String[] {"arm64", variant.isEmpty() || variant.equals("8") ? "v8" : variant};
            case "armhf" -> new String[] {"arm", "v7"};
            case "armel" -> new String[] {"arm", "v6"};
            case "arm", "aarch32", "armv7l", "armv7" -> new String[] {"arm", armVariant(arch, variant)};
            case "i386", "i486", "i586", "i686", "x86" -> new String[] {"386", variant};
            case "ppc64el" -> new String[] {"ppc64le", variant};
            default -> new String[] {arch, variant};
        };
    }

    private static String armVariant(String arch, String variant) {
        if (!variant.isEmpty()) {
            return variant.startsWith("v") ? variant : "v" + variant;
        }
        return "v7";
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant)
                + (osVersion.isEmpty() ? "" : " (os.version " + osVersion + ")");
    }
}
