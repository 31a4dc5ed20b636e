package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of the AOT training's containers that need no root: the ELF check and the config. */
class TrainingContainersTest {
    @TempDir
    Path tmp;

    @Test
    void debiansBusyboxIsStaticAndTheShellIsNot() throws IOException {
        // The build machine's: busybox-static is a test prerequisite (README); /bin/sh is dash,
        // dynamically linked against libc.
        assertTrue(TrainingContainers.isStatic(Path.of("/bin/busybox")));
        assertFalse(TrainingContainers.isStatic(Path.of("/bin/sh").toRealPath()));
    }

    @Test
    void nonElfFilesAreNotStatic() throws IOException {
        Path script = Files.writeString(tmp.resolve("script"), "#!/bin/sh\ntrue\n");
        assertFalse(TrainingContainers.isStatic(script));
        Path truncated = Files.write(tmp.resolve("truncated"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1});
        assertFalse(TrainingContainers.isStatic(truncated));
    }

    @Test
    void theTrainingConfigIsValidAndRunsTheGivenArgs() throws IOException {
        Path config = Files.writeString(tmp.resolve("config.json"),
                TrainingContainers.config(List.of("sleep", "1000"), "/berth-x"));
        Spec spec = SpecFiles.assertValid(config);
        assertEquals(List.of("sleep", "1000"), spec.process().args());
        assertEquals("/berth-x", spec.linux().cgroupsPath());
        JsonNode withoutPath = new ObjectMapper().readTree(TrainingContainers.config(List.of("true"), null));
        assertTrue(withoutPath.path("linux").path("cgroupsPath").isMissingNode(), withoutPath::toString);
    }
}
