package dev.berth.image.service;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A root filesystem tar as {@code docker import} takes one: Debian's static busybox at
 * /bin/busybox with every applet a symlink to it, /etc/passwd and /etc/group, and the mount points
 * a runtime expects (proc, sys, dev, tmp). Shared with the cli module's tests (image test-jar).
 */
public final class BusyboxRootfs {
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Instant MTIME = Instant.parse("2024-05-06T07:08:09Z");

    private BusyboxRootfs() {
    }

    /** Writes the tar to {@code file} and returns it. */
    public static Path writeTar(Path file) throws IOException, InterruptedException {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IllegalStateException("tests need Debian's busybox-static at " + BUSYBOX
                    + " (apt-get install busybox-static)");
        }
        List<String> applets = applets();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String dir : List.of("bin/", "etc/", "proc/", "sys/", "dev/", "root/")) {
                directory(tar, dir, 0755);
            }
            directory(tar, "tmp/", 01777);
            file(tar, "bin/busybox", Files.readAllBytes(BUSYBOX), 0755);
            for (String applet : applets) {
                if (!applet.equals("busybox")) {
                    TarArchiveEntry link = entry("bin/" + applet, TarConstants.LF_SYMLINK, 0777);
                    link.setLinkName("busybox");
                    tar.putArchiveEntry(link);
                    tar.closeArchiveEntry();
                }
            }
            file(tar, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
                    .getBytes(StandardCharsets.UTF_8), 0644);
            file(tar, "etc/group", "root:x:0:\nnogroup:x:65534:\n".getBytes(StandardCharsets.UTF_8), 0644);
        }
        return file;
    }

    private static List<String> applets() throws IOException, InterruptedException {
        Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").redirectErrorStream(true).start();
        String names = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (list.waitFor() != 0) {
            throw new IOException(BUSYBOX + " --list failed: " + names);
        }
        return names.lines().filter(s -> !s.isBlank()).toList();
    }

    private static void directory(TarArchiveOutputStream tar, String name, int mode) throws IOException {
        tar.putArchiveEntry(entry(name, TarConstants.LF_DIR, mode));
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] data, int mode) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, mode);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name, byte type, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setMode(mode);
        e.setModTime(java.util.Date.from(MTIME));
        e.setIds(0, 0);
        return e;
    }
}
