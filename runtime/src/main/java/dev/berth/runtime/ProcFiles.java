package dev.berth.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading /proc files whole. */
final class ProcFiles {
    private ProcFiles() {
    }

    /**
     * Files.readString sizes its read by the file size, and /proc/sys files report a size of 1
     * here: "40" comes back as "4". Reading a stream until EOF gets the whole value.
     */
    static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
