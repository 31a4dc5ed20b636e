package dev.berth.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Reads an encoded plan back the way berth-launcher.c does, failing on any leftover byte. */
record DecodedPlan(int magic, int version, int bodyLength, List<Raw> steps) {
    record Raw(int code, int flags, long a, long b, long c, long d, List<byte[]> s) {
    }

    static DecodedPlan of(byte[] encoded) {
        ByteBuffer in = ByteBuffer.wrap(encoded).order(ByteOrder.nativeOrder());
        int magic = in.getInt();
        int version = in.getInt();
        int bodyLength = in.getInt();
        assertEquals(encoded.length - 12, bodyLength, "body_length counts every byte after the header");
        int count = in.getInt();
        List<Raw> steps = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int code = in.getInt();
            int flags = in.getInt();
            long a = in.getLong();
            long b = in.getLong();
            long c = in.getLong();
            long d = in.getLong();
            List<byte[]> s = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                byte[] bytes = new byte[in.getInt()];
                in.get(bytes);
                s.add(bytes);
            }
            steps.add(new Raw(code, flags, a, b, c, d, s));
        }
        assertEquals(0, in.remaining(), "bytes after the last step");
        return new DecodedPlan(magic, version, bodyLength, steps);
    }
}
