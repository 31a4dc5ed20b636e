package dev.berth.linux;

import java.util.Locale;

/**
 * Signal numbers of x86_64 Linux (arm64 shares them) and conversion to and from names as
 * {@code kill -l} prints them.
 *
 * <p>{@link #SIGRTMIN} is glibc's 34, not the kernel's 32: glibc reserves 32 and 33 for NPTL
 * (thread cancellation and setxid), so to every user-space tool, and to the images' documentation
 * (e.g. systemd's {@code STOPSIGNAL SIGRTMIN+3}), "SIGRTMIN+3" means 37.
 */
public final class Signals {
    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGILL = 4;
    public static final int SIGTRAP = 5;
    public static final int SIGABRT = 6;
    public static final int SIGBUS = 7;
    public static final int SIGFPE = 8;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGSEGV = 11;
    public static final int SIGUSR2 = 12;
    public static final int SIGPIPE = 13;
    public static final int SIGALRM = 14;
    public static final int SIGTERM = 15;
    public static final int SIGSTKFLT = 16;
    public static final int SIGCHLD = 17;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;
    public static final int SIGTSTP = 20;
    public static final int SIGTTIN = 21;
    public static final int SIGTTOU = 22;
    public static final int SIGURG = 23;
    public static final int SIGXCPU = 24;
    public static final int SIGXFSZ = 25;
    public static final int SIGVTALRM = 26;
    public static final int SIGPROF = 27;
    public static final int SIGWINCH = 28;
    public static final int SIGIO = 29;
    public static final int SIGPWR = 30;
    public static final int SIGSYS = 31;
    public static final int SIGRTMIN = 34;
    public static final int SIGRTMAX = 64;

    /** Index = signal number, 1..31; names without the "SIG" prefix. */
    private static final String[] STANDARD = {
        null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
        "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
        "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    };

    private Signals() {}

    /**
     * A signal number from {@code "9"}, {@code "KILL"}, {@code "SIGKILL"}, {@code "sigkill"},
     * {@code "SIGRTMIN+3"} or {@code "RTMAX-1"}; also the aliases IOT, CLD and POLL.
     *
     * @throws IllegalArgumentException "unknown signal: X" for anything else, including numbers
     *     outside 1..64
     */
    public static int parse(String s) {
        int signal = parseOrZero(s.strip());
        if (signal < 1 || signal > SIGRTMAX) throw new IllegalArgumentException("unknown signal: " + s);
        return signal;
    }

    private static int parseOrZero(String s) {
        if (!s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return s.length() > 3 ? 0 : Integer.parseInt(s);
        }
        String name = s.toUpperCase(Locale.ROOT);
        if (name.startsWith("SIG")) name = name.substring(3);
        for (int i = 1; i < STANDARD.length; i++) {
            if (STANDARD[i].equals(name)) return i;
        }
        return switch (name) {
            case "IOT" -> SIGABRT;
            case "CLD" -> SIGCHLD;
            case "POLL" -> SIGIO;
            default -> parseRealtime(name);
        };
    }

    /** "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n", as long as the result lies in 34..64. */
    private static int parseRealtime(String name) {
        int base;
        int sign;
        if (name.startsWith("RTMIN")) {
            base = SIGRTMIN;
            sign = 1;
        } else if (name.startsWith("RTMAX")) {
            base = SIGRTMAX;
            sign = -1;
        } else {
            return 0;
        }
        String rest = name.substring(5);
        if (rest.isEmpty()) return base;
        char op = sign > 0 ? '+' : '-';
        String digits = rest.substring(1);
        if (rest.charAt(0) != op || digits.isEmpty() || digits.length() > 2
                || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return 0;
        }
        int signal = base + sign * Integer.parseInt(digits);
        return signal >= SIGRTMIN && signal <= SIGRTMAX ? signal : 0;
    }

    /**
     * The name as {@code kill -l} prints it: "SIGKILL"; real-time signals up to 49 count up from
     * SIGRTMIN ("SIGRTMIN+3"), the others down from SIGRTMAX ("SIGRTMAX-1"). Numbers that are no
     * signal of user space (0, 32, 33, &gt; 64) give "signal N".
     */
    public static String name(int signal) {
        if (signal >= 1 && signal < STANDARD.length) return "SIG" + STANDARD[signal];
        int middle = (SIGRTMIN + SIGRTMAX) / 2;
        if (signal == SIGRTMIN) return "SIGRTMIN";
        if (signal > SIGRTMIN && signal <= middle) return "SIGRTMIN+" + (signal - SIGRTMIN);
        if (signal > middle && signal < SIGRTMAX) return "SIGRTMAX-" + (SIGRTMAX - signal);
        if (signal == SIGRTMAX) return "SIGRTMAX";
        return "signal " + signal;
    }
}
