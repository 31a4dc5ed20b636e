package dev.berth.image.config;

import java.util.List;

/**
 * What the user asked for on the command line, on top of the image config. A null component
 * means "not given" (keep the image's value); an empty entrypoint list is Docker's
 * {@code --entrypoint ""}: clear the image's entrypoint.
 *
 * @param entrypoint replaces the image's Entrypoint, and drops the image's Cmd (as Docker does)
 * @param cmd replaces the image's Cmd (the arguments after the image name)
 * @param env KEY=value entries that replace image entries of the same KEY, or add to them
 * @param user replaces the image's User
 * @param workingDir replaces the image's WorkingDir
 */
public record Overrides(List<String> entrypoint, List<String> cmd, List<String> env, String user, String workingDir) {

    /** No overrides: run the image as configured. */
    public static final Overrides NONE = new Overrides(null, null, null, null, null);

    public Overrides {
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        cmd = cmd == null ? null : List.copyOf(cmd);
        env = env == null ? null : List.copyOf(env);
    }
}
