package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT training's containers run to the end here, as root with busybox: the build only warns
 * when one fails (the cache then covers less), so this is where such a failure fails the build.
 */
class AotTrainingIT {
    @TempDir
    Path tmp;

    @Test
    void trainingContainersRunAndLeaveNothing() throws Exception {
        assertNull(TrainingContainers.missingPrerequisite(), "the build host cannot train on containers");
        TrainingContainers containers = new TrainingContainers(tmp);
        try {
            containers.run();
        } finally {
            assertEquals(List.of(), containers.removeAll());
        }
    }
}
