package dev.berth.image.service;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** Runs host tools (skopeo) for the tests; shared with the cli module's tests. */
public final class Tools {
    private Tools() {
    }

    /** Runs {@code command} to completion and returns its stdout; a non-zero exit fails with its stderr. */
    public static String run(String... command) throws IOException, InterruptedException {
        File stderr = Files.createTempFile("berth-tool-", ".err").toFile();
        try {
            Process p = new ProcessBuilder(command).redirectError(stderr).redirectInput(ProcessBuilder.Redirect.from(
                    new File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = p.waitFor();
            if (status != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + status + ":\n"
                        + Files.readString(stderr.toPath()) + out);
            }
            return out;
        } finally {
            Files.deleteIfExists(stderr.toPath());
        }
    }

    /** {@code skopeo inspect}'s Digest of an image in a registry reached over plain HTTP. */
    public static String skopeoDigest(String registryReference) throws IOException, InterruptedException {
        String json = run("skopeo", "inspect", "--tls-verify=false", "docker://" + registryReference);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("Digest").asText();
    }
}
