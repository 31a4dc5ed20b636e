package dev.berth.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Where this invocation's log lines go and how they look: runc's {@code --log FILE} and
 * {@code --log-format text|json}, which are logrus formats. containerd's shim reads the JSON lines
 * of that file after a failed command and shows the last {@code "level":"error"} message, so an
 * error line must be one complete JSON object per line.
 *
 * <p>One invocation of the CLI is one process, so the configuration is process-wide (the
 * {@link System.Logger}s handed out by {@link CliLoggerFinder} read it at each call).
 */
final class LogOutput {
    /** logrus' two formatters. */
    enum Format { TEXT, JSON }

    private static volatile LogOutput current =
            new LogOutput(null, Format.TEXT, System.Logger.Level.INFO, System.err);

    private final Path file;
    private final Format format;
    private final System.Logger.Level threshold;
    private final PrintStream stderr;

    private LogOutput(Path file, Format format, System.Logger.Level threshold, PrintStream stderr) {
        this.file = file;
        this.format = format;
        this.threshold = threshold;
        this.stderr = stderr;
    }

    /**
     * Sends log lines to {@code file} (appending), or to {@code stderr} when it is null. logrus'
     * default level is info; runc's {@code --debug} lowers it to debug.
     */
    static void configure(Path file, Format format, boolean debug, PrintStream stderr) {
        current = new LogOutput(file, format == null ? Format.TEXT : format,
                debug ? System.Logger.Level.DEBUG : System.Logger.Level.INFO, stderr);
    }

    /** Log lines of {@code threshold} and above to {@code stderr}, as text (bin/berth). */
    static void configure(System.Logger.Level threshold, PrintStream stderr) {
        current = new LogOutput(null, Format.TEXT, threshold, stderr);
    }

    static LogOutput current() {
        return current;
    }

    /** The log file of this invocation, or null when lines go to stderr. */
    static Path file() {
        return current.file;
    }

    boolean isLoggable(System.Logger.Level level) {
        return level != System.Logger.Level.OFF && level.getSeverity() >= threshold.getSeverity();
    }

    /** Writes one line for {@code level} if it passes the threshold. */
    void write(System.Logger.Level level, String message) {
        if (!isLoggable(level)) {
            return;
        }
        String line = format(level, message, Instant.now()) + "\n";
        if (file == null) {
            stderr.print(line);
            stderr.flush();
            return;
        }
        try {
            // O_APPEND, as runc opens its log: each line lands whole at the end of the file even
            // when several invocations for the same container (one log.json) write at once.
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            stderr.println("berth-runtime: cannot write log file " + file + ": " + e);
        }
    }

    /** One logrus line; keys in logrus' order (JSON sorts them: level, msg, time). */
    String format(System.Logger.Level level, String message, Instant when) {
        String time = when.truncatedTo(ChronoUnit.SECONDS).toString();
        String levelWord = levelWord(level);
        if (format == Format.JSON) {
            return "{\"level\":\"" + levelWord + "\",\"msg\":" + GoJson.quote(message)
                    + ",\"time\":\"" + time + "\"}";
        }
        return "time=\"" + time + "\" level=" + levelWord + " msg=" + textQuote(message);
    }

    /** logrus level names (it spells WARNING "warning"). */
    static String levelWord(System.Logger.Level level) {
        return switch (level) {
            case ALL, TRACE -> "trace";
            case DEBUG -> "debug";
            case INFO -> "info";
            case WARNING -> "warning";
            case ERROR, OFF -> "error";
        };
    }

    /** logrus' text formatter quotes values the way Go's %q does; newlines stay on one line. */
    static String textQuote(String value) {
        StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        quoted.append(String.format("\\x%02x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
