package dev.berth.cli;

import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * Routes every {@link System.Logger} of the process (the CLI's, the runtime library's) to
 * {@link LogOutput}: registered in META-INF/services so {@code System.getLogger} finds it. Writing
 * logrus lines directly is both what runc's consumers parse and cheaper at start-up than booting
 * java.util.logging.
 */
public final class CliLoggerFinder extends System.LoggerFinder {
    /** ServiceLoader needs a public no-argument constructor. */
    public CliLoggerFinder() {
    }

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new CliLogger(name);
    }

    /** Reads {@link LogOutput#current()} at each call: logging is configured after argument parsing. */
    private record CliLogger(String name) implements System.Logger {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return LogOutput.current().isLoggable(level);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            LogOutput output = LogOutput.current();
            if (output.isLoggable(level)) {
                output.write(level, thrown == null ? message : message + ": " + describe(thrown));
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            LogOutput output = LogOutput.current();
            if (output.isLoggable(level)) {
                boolean formatted = params != null && params.length > 0;
                output.write(level, formatted ? MessageFormat.format(format, params) : format);
            }
        }

        @Override
        public void log(Level level, Supplier<String> message) {
            if (isLoggable(level)) {
                LogOutput.current().write(level, message.get());
            }
        }

        /** At debug level the stack trace goes in too (escaped onto the one line). */
        private static String describe(Throwable thrown) {
            if (!LogOutput.current().isLoggable(Level.DEBUG)) {
                return thrown.toString();
            }
            var trace = new java.io.StringWriter();
            thrown.printStackTrace(new java.io.PrintWriter(trace));
            return trace.toString().strip();
        }
    }
}
