package dev.berth.cli.berth;

import dev.berth.cli.AotTraining;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The training run of bin/berth's AOT cache ({@code mvn package} runs it with -XX:AOTCacheOutput
 * and the options of berth-jvm-options): the local image verbs on a throw-away root, so that
 * picocli, Jackson, the image packages and the JDK's tar, gzip and hashing classes start linked
 * from the cache. A registry is not needed: pull and push share those classes, and the HTTP
 * client's own start is not what `berth images` waits for.
 *
 * <p>Any failure is reported and the training goes on: a cache trained on less only starts
 * slower; the tests are what check the verbs.
 */
public final class BerthAotTraining {
    private BerthAotTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("berth-aot-training-");
        try (PrintStream sink = new PrintStream(OutputStream.nullOutputStream())) {
            train(work, sink);
        } finally {
            AotTraining.deleteTree(work);
        }
    }

    private static void train(Path work, PrintStream sink) throws IOException {
        Path rootfs = work.resolve("rootfs.tar");
        Files.write(rootfs, rootfsTar());
        String root = work.resolve("root").toString();
        run(sink, "--help");
        run(sink, "image", "--help");
        run(sink, "--root", root, "images");
        run(sink, "--root", root, "image", "import", "--change", "CMD [\"sh\"]", rootfs.toString(), "training:1");
        run(sink, "--root", root, "image", "tag", "training:1", "training:2");
        run(sink, "--root", root, "images");
        run(sink, "--root", root, "image", "inspect", "training:1");
        run(sink, "--root", root, "image", "history", "training:1");
        run(sink, "--root", root, "images", "--format", "json", "--filter", "reference=training:*");
        run(sink, "--root", root, "images", "--format", "table {{.Repository}}\\t{{.Tag}}\\t{{upper .ID}}");
        run(sink, "--root", root, "image", "inspect", "-f", "{{.Id}} {{json .Config}} {{range .RepoTags}}{{.}}{{end}}",
                "training:1");
        run(sink, "--root", root, "image", "unpack", "training:1", work.resolve("bundle").toString());
        run(sink, "--root", root, "save", "-o", work.resolve("saved.tar").toString(), "training:1");
        run(sink, "--root", root, "image", "export", "-o", work.resolve("oci.tar").toString(), "training:1");
        run(sink, "--root", root, "rmi", "training:1", "training:2");
        run(sink, "--root", root, "load", "-i", work.resolve("saved.tar").toString());
        run(sink, "--root", root, "image", "import", work.resolve("oci.tar").toString(), "training:3");
        run(sink, "--root", root, "image", "prune");
        run(sink, "--root", root, "image", "inspect", "no-such-image");
    }

    private static void run(PrintStream sink, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BerthMain.execute(sink, new PrintStream(err, true, StandardCharsets.UTF_8), false, args);
        if (code != 0 && !List.of(args).contains("no-such-image")) {
            System.err.println("AOT training: berth " + String.join(" ", args) + " failed: "
                    + err.toString(StandardCharsets.UTF_8).strip());
        }
    }

    /** A one-file root filesystem: the verbs only need some layer to work on. */
    private static byte[] rootfsTar() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            byte[] passwd = "root:x:0:0:root:/root:/bin/sh\n".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry dir = new TarArchiveEntry("etc/");
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            TarArchiveEntry file = new TarArchiveEntry("etc/passwd");
            file.setSize(passwd.length);
            tar.putArchiveEntry(file);
            tar.write(passwd);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }
}
