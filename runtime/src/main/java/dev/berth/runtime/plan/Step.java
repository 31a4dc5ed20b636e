package dev.berth.runtime.plan;

import java.util.Objects;

/**
 * One step of a launch plan, as encoded (docs/launch-plan.md, "Encoding"). Build steps with
 * {@link Steps}, which fills the arguments the way the launcher reads them.
 *
 * @param code        what the launcher does
 * @param flags       {@link #IN_ROOT}, {@link #IGNORE_ENOENT}, {@link #IGNORE_EEXIST}
 * @param a           first integer argument (meaning depends on the code), likewise b, c, d
 * @param s0          first bytes argument: a NUL-terminated string, a packed list or gids; empty
 *                    means absent; likewise s1, s2, s3. Not copied: do not change them.
 * @param description what failed when the launcher reports this step, e.g. "mount `proc` on
 *                    `/proc`"; the error message is description + ": " + errno name
 */
public record Step(StepCode code, int flags, long a, long b, long c, long d,
                   byte[] s0, byte[] s1, byte[] s2, byte[] s3, String description) {
    /** The path (for MOUNT the target, for SYMLINK the link) is resolved beneath OPEN_ROOT's root. */
    public static final int IN_ROOT = 1;
    /** A missing path skips the step instead of failing it. */
    public static final int IGNORE_ENOENT = 2;
    /** An existing path is fine. */
    public static final int IGNORE_EEXIST = 4;

    private static final byte[] ABSENT = new byte[0];

    public Step {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(description, "description");
        if ((flags & ~(IN_ROOT | IGNORE_ENOENT | IGNORE_EEXIST)) != 0) {
            throw new IllegalArgumentException("step flags " + flags + " of " + code
                    + " are not a combination of IN_ROOT, IGNORE_ENOENT, IGNORE_EEXIST");
        }
        s0 = s0 == null ? ABSENT : s0;
        s1 = s1 == null ? ABSENT : s1;
        s2 = s2 == null ? ABSENT : s2;
        s3 = s3 == null ? ABSENT : s3;
    }

    /** The four bytes arguments in wire order. */
    byte[][] bytes() {
        return new byte[][] {s0, s1, s2, s3};
    }

    @Override
    public String toString() {
        return code + "[" + description + "]";
    }
}
