package dev.berth.cli.berth;

/** How names are shown: docker hides {@code docker.io/} and {@code library/}. */
final class Names {
    private static final String HUB = "docker.io/";
    private static final String OFFICIAL = HUB + "library/";

    private Names() {
    }

    /** {@code docker.io/library/busybox} -> {@code busybox}; other names stay as they are. */
    static String familiar(String name) {
        if (name.startsWith(OFFICIAL)) {
            return name.substring(OFFICIAL.length());
        }
        if (name.startsWith(HUB)) {
            return name.substring(HUB.length());
        }
        return name;
    }

    /**
     * Splits a stored name into repository and tag ({@code <none>} for a digest-only name). The tag's
     * colon is the last one after the last slash: {@code 127.0.0.1:5000/app:1} is {@code 127.0.0.1:5000/app}, {@code 1}.
     */
    static String[] splitTag(String name) {
        int at = name.indexOf('@');
        if (at >= 0) {
            return new String[] {name.substring(0, at), "<none>"};
        }
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        if (colon > slash) {
            return new String[] {name.substring(0, colon), name.substring(colon + 1)};
        }
        return new String[] {name, "<none>"};
    }
}
