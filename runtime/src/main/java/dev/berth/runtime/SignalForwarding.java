package dev.berth.runtime;

import dev.berth.linux.Processes;
import dev.berth.linux.SyscallException;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * While `run` waits in the foreground, signals sent to berth go to the container, as runc's
 * signal proxy does: the init is a session leader of its own, so a terminal's Ctrl-C reaches
 * only berth.
 */
final class SignalForwarding implements AutoCloseable {
    private static final List<String> FORWARDED = List.of("INT", "TERM", "HUP", "USR1", "USR2", "WINCH");

    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    static SignalForwarding to(int pid) {
        SignalForwarding forwarding = new SignalForwarding();
        for (String name : FORWARDED) {
            Signal signal = new Signal(name);
            try {
                forwarding.previous.add(Signal.handle(signal, s -> forward(pid, s.getNumber())));
                forwarding.signals.add(signal);
            } catch (IllegalArgumentException e) {
                // The JVM reserves this signal for itself (e.g. USR2 on some platforms): leave it.
            }
        }
        return forwarding;
    }

    private static void forward(int pid, int signal) {
        try {
            Processes.kill(pid, signal);
        } catch (SyscallException e) {
            // The container already exited; the waiter will see it.
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
