package dev.berth.runtime.plan;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The steps berth-launcher executes in order, and their encoding (docs/launch-plan.md). The plan
 * is also what turns the launcher's ERROR(step, errno) back into words: {@link #describe}.
 */
public record LaunchPlan(List<Step> steps) {
    /** "BRTH" when written in little endian. */
    public static final int MAGIC = 0x48545242;
    public static final int VERSION = 1;
    /** The launcher refuses larger bodies (PLAN_MAX_BYTES in berth-launcher.c). */
    public static final int MAX_BODY_BYTES = 64 << 20;
    /** The step index the launcher reports when it cannot read or decode the plan itself. */
    public static final int PLAN_STEP = -1;

    private static final int STEP_FIXED_BYTES = 4 + 4 + 4 * 8 + 4 * 4;

    public LaunchPlan {
        steps = List.copyOf(steps);
    }

    /** header | u32 step_count | steps, in host byte order (the launcher runs on this host). */
    public byte[] encode() {
        long bodyLength = 4;
        for (Step step : steps) {
            bodyLength += STEP_FIXED_BYTES;
            for (byte[] bytes : step.bytes()) {
                bodyLength += bytes.length;
            }
        }
        if (bodyLength > MAX_BODY_BYTES) {
            throw new IllegalStateException("launch plan of " + bodyLength
                    + " bytes exceeds the launcher's limit of " + MAX_BODY_BYTES + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate(12 + (int) bodyLength).order(ByteOrder.nativeOrder());
        out.putInt(MAGIC).putInt(VERSION).putInt((int) bodyLength).putInt(steps.size());
        for (Step step : steps) {
            out.putInt(step.code().code()).putInt(step.flags());
            out.putLong(step.a()).putLong(step.b()).putLong(step.c()).putLong(step.d());
            for (byte[] bytes : step.bytes()) {
                out.putInt(bytes.length).put(bytes);
            }
        }
        return out.array();
    }

    /** What the step at {@code stepIndex} (as the launcher reports it) was doing. */
    public String describe(int stepIndex) {
        if (stepIndex == PLAN_STEP) {
            return "read the launch plan";
        }
        if (stepIndex < 0 || stepIndex >= steps.size()) {
            return "step " + stepIndex + " (not in the launch plan of " + steps.size() + " steps)";
        }
        return steps.get(stepIndex).description();
    }
}
