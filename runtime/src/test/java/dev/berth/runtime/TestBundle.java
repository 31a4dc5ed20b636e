package dev.berth.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * An OCI bundle for tests: a busybox root filesystem (Debian's static busybox, every applet a
 * symlink to it, /etc/passwd and /etc/group) and a config.json that tests edit as a JSON tree.
 */
public final class TestBundle {
    static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static List<String> applets;

    public final Path dir;
    public final Path rootfs;
    public final ObjectNode config;

    private TestBundle(Path dir) throws IOException {
        this.dir = dir;
        this.rootfs = dir.resolve("rootfs");
        try (InputStream in = TestBundle.class.getResourceAsStream("/base-config.json")) {
            this.config = (ObjectNode) MAPPER.readTree(in);
        }
    }

    /** A fresh bundle in {@code parent} whose process runs {@code args}. */
    public static TestBundle create(Path parent, String... args) {
        try {
            TestBundle bundle = new TestBundle(Files.createDirectories(parent.resolve("bundle")));
            buildRootfs(bundle.rootfs);
            bundle.args(args);
            bundle.write();
            return bundle;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void buildRootfs(Path rootfs) throws IOException {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IllegalStateException("tests need Debian's busybox-static at " + BUSYBOX
                    + " (apt-get install busybox-static; the README's test command installs it)");
        }
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        for (String applet : applets()) {
            Path link = bin.resolve(applet);
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of("busybox"));
            }
        }
        for (String dir : List.of("proc", "sys", "dev", "tmp", "etc", "root", "home/user", "usr")) {
            Files.createDirectories(rootfs.resolve(dir));
        }
        Files.createSymbolicLink(rootfs.resolve("usr/bin"), Path.of("../bin"));
        Files.createSymbolicLink(rootfs.resolve("sbin"), Path.of("bin"));
        Files.writeString(rootfs.resolve("etc/passwd"),
                "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nuser:x:1000:\nextra:x:2000:user\nnogroup:x:65534:\n");
        Files.setPosixFilePermissions(rootfs.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    private static synchronized List<String> applets() throws IOException {
        if (applets == null) {
            Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").redirectErrorStream(true).start();
            applets = new String(list.getInputStream().readAllBytes()).lines().filter(s -> !s.isBlank()).toList();
        }
        return applets;
    }

    public TestBundle args(String... args) {
        ArrayNode array = process().putArray("args");
        for (String arg : args) {
            array.add(arg);
        }
        return this;
    }

    /** The process runs `sh -c script`. */
    public TestBundle shell(String script) {
        return args("sh", "-c", script);
    }

    public ObjectNode process() {
        return (ObjectNode) config.get("process");
    }

    public ObjectNode linux() {
        return (ObjectNode) config.get("linux");
    }

    public ObjectNode resources() {
        return (ObjectNode) linux().get("resources");
    }

    public ArrayNode mounts() {
        return (ArrayNode) config.get("mounts");
    }

    public JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestBundle write() {
        try {
            MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
