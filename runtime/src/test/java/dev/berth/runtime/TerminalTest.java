package dev.berth.runtime;

import dev.berth.linux.Fd;
import dev.berth.linux.UnixSocket;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** process.terminal with --console-socket: the pty master travels over the socket as runc sends it. */
class TerminalTest extends ContainerTest {

    private String readUntil(Fd master, String marker) {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!text.toString().contains(marker)) {
            assertTrue(System.nanoTime() < deadline, "no " + marker + " on the terminal: " + text);
            if (master.pollIn(Duration.ofMillis(100))) {
                int n = master.read(buffer, 0, buffer.length);
                if (n < 0) {
                    break;
                }
                text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        }
        return text.toString();
    }

    @Test
    void theContainerGetsATerminalAndTheMasterIsSent() {
        bundle.process().put("terminal", true);
        bundle.process().putObject("consoleSize").put("height", 24).put("width", 80);
        bundle.shell("tty; stty size; echo end-of-test").write();
        Path socketPath = tmp.resolve("console.sock");
        try (Fd server = UnixSocket.listen(socketPath)) {
            runtime.create(id, bundle.dir, new CreateOptions(null, socketPath, false, 0));
            try (Fd connection = UnixSocket.accept(server)) {
                UnixSocket.Received received = UnixSocket.receiveFd(connection);
                assertTrue(received.message().startsWith("/dev/pts/"), received.message());
                try (Fd master = received.fd()) {
                    runtime.start(id);
                    String output = readUntil(master, "end-of-test");
                    assertTrue(output.contains("/dev/pts/0"), output);
                    assertTrue(output.contains("24 80"), output);
                }
            }
        } finally {
            runtime.delete(id, true);
        }
    }

    @Test
    void aTerminalWithoutAConsoleSocketIsAClearError() {
        bundle.process().put("terminal", true);
        bundle.write();
        RuntimeFailure failure = assertThrows(RuntimeFailure.class, () -> runtime.create(id, bundle.dir, CreateOptions.DEFAULT));
        assertEquals("process.terminal is true: a terminal needs --console-socket", failure.getMessage());
    }
}
