package dev.berth.runtime.plan;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A 16-byte message from berth-launcher: {@code u32 kind | i32 step | i32 value | i32 errno} in
 * host byte order (docs/launch-plan.md, "Messages").
 *
 * @param step  index of the step that sent it, or {@link LaunchPlan#PLAN_STEP}
 * @param value for PID, the container process's pid in the launcher's pid namespace
 * @param errno for ERROR, the errno of the failed syscall
 */
public record LauncherMessage(Kind kind, int step, int value, int errno) {
    public static final int SIZE = 16;

    public enum Kind {
        PID(1), SYNC(2), READY(3), ERROR(4),
        /** The seccomp user-notification listener, attached with SCM_RIGHTS (SCMP_ACT_NOTIFY). */
        SECCOMP(5);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    public LauncherMessage {
        Objects.requireNonNull(kind, "kind");
    }

    public static LauncherMessage decode(byte[] sixteenBytes) {
        if (sixteenBytes.length != SIZE) {
            throw new IllegalArgumentException("a launcher message has " + SIZE + " bytes, not "
                    + sixteenBytes.length);
        }
        ByteBuffer in = ByteBuffer.wrap(sixteenBytes).order(ByteOrder.nativeOrder());
        int code = in.getInt();
        for (Kind kind : Kind.values()) {
            if (kind.code() == code) {
                return new LauncherMessage(kind, in.getInt(), in.getInt(), in.getInt());
            }
        }
        throw new IllegalArgumentException("launcher message kind " + Integer.toUnsignedString(code)
                + " is none of PID(1), SYNC(2), READY(3), ERROR(4), SECCOMP(5)");
    }
}
