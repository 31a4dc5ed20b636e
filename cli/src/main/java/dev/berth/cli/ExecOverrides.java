package dev.berth.cli;

import dev.berth.runtime.RuntimeFailure;
import dev.berth.spec.Process;
import java.util.ArrayList;
import java.util.List;

/**
 * What the flags of `exec` change in the container's own process (config.json's, as the
 * container was created) when no --process file is given: runc's getProcess (exec.go).
 *
 * @param args           the command and its arguments (REQUIRED: runc refuses an empty one)
 * @param env            KEY=value entries; each replaces the entry of the same name or is appended
 * @param cwd            the working directory, or null to keep the container's
 * @param user           "UID" or "UID:GID", or null to keep the container's
 * @param additionalGids supplementary groups added to the container's
 * @param caps           capabilities added to the bounding, effective and permitted sets
 * @param tty            whether the process gets a terminal (false unless asked: never inherited)
 * @param noNewPrivs     true sets no_new_privs; false keeps the container's setting
 * @param apparmor       an AppArmor profile, or null
 * @param processLabel   an SELinux label, or null
 */
record ExecOverrides(List<String> args, List<String> env, String cwd, String user, List<Long> additionalGids,
                     List<String> caps, boolean tty, boolean noNewPrivs, String apparmor, String processLabel) {

    /** The process to exec, from {@code template} (the container's process) and these flags. */
    Process applyTo(Process template) {
        if (args.isEmpty()) {
            throw new RuntimeFailure("exec args cannot be empty");
        }
        return new Process(tty, template.consoleSize(), user(template.user()), List.copyOf(args),
                template.commandLine(), env(template.env()), nonEmpty(cwd) ? cwd : template.cwd(),
                capabilities(template.capabilities()), template.rlimits(),
                noNewPrivs ? Boolean.TRUE : template.noNewPrivileges(),
                nonEmpty(apparmor) ? apparmor : template.apparmorProfile(), template.oomScoreAdj(),
                template.scheduler(), nonEmpty(processLabel) ? processLabel : template.selinuxLabel(),
                template.ioPriority());
    }

    /**
     * The container's environment with {@code env} merged in. runc appends, and libcontainer
     * then keeps the last entry of each name; replacing in place gives the process the same
     * variables without handing execve(2) duplicates (getenv(3) would find the first one).
     */
    private List<String> env(List<String> base) {
        List<String> merged = new ArrayList<>(base == null ? List.of() : base);
        for (String entry : env) {
            String prefix = name(entry) + "=";
            int existing = -1;
            for (int i = 0; i < merged.size() && existing < 0; i++) {
                if (merged.get(i).startsWith(prefix) || merged.get(i).equals(name(entry))) {
                    existing = i;
                }
            }
            if (existing >= 0) {
                merged.set(existing, entry);
            } else {
                merged.add(entry);
            }
        }
        return merged;
    }

    private static String name(String entry) {
        int separator = entry.indexOf('=');
        return separator < 0 ? entry : entry.substring(0, separator);
    }

    /** --user UID[:GID] (numbers only, as runc's strconv.Atoi), then the additional gids. */
    private Process.User user(Process.User base) {
        Long uid = base == null ? null : base.uid();
        Long gid = base == null ? null : base.gid();
        if (nonEmpty(user)) {
            int colon = user.indexOf(':');
            if (colon >= 0) {
                gid = id(user.substring(colon + 1), "gid");
            }
            uid = id(colon >= 0 ? user.substring(0, colon) : user, "uid");
        }
        List<Long> groups = new ArrayList<>(base == null || base.additionalGids() == null ? List.of() : base.additionalGids());
        for (Long group : additionalGids) {
            if (group < 0 || group > 0xFFFF_FFFFL) {
                throw new RuntimeFailure("additional-gids must be a positive number " + group);
            }
            groups.add(group);
        }
        if (base == null && !nonEmpty(user) && groups.isEmpty()) {
            return null; // the runtime names the missing process.user
        }
        return new Process.User(uid, gid, base == null ? null : base.umask(), groups.isEmpty() ? null : groups,
                base == null ? null : base.username());
    }

    private static long id(String text, String what) {
        try {
            long id = Long.parseLong(text);
            if (id >= 0 && id <= 0xFFFF_FFFFL) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new RuntimeFailure("parsing " + text + " as int for " + what + " failed: not a number from 0 to 4294967295");
    }

    /**
     * --cap adds to the bounding, effective and permitted sets. Not to the inheritable set, and to
     * the ambient set only when the container has inheritable capabilities at all: an ambient
     * capability must also be inheritable (capabilities(7)), and runc stopped widening the
     * inheritable set for --cap (it would let any program the process execs keep the capability).
     */
    private Process.Capabilities capabilities(Process.Capabilities base) {
        if (caps.isEmpty()) {
            return base;
        }
        Process.Capabilities sets = base == null ? new Process.Capabilities(null, null, null, null, null) : base;
        return new Process.Capabilities(added(sets.bounding()), added(sets.effective()), sets.inheritable(),
                added(sets.permitted()), sets.inheritable() == null ? sets.ambient() : added(sets.ambient()));
    }

    private List<String> added(List<String> set) {
        List<String> result = new ArrayList<>(set == null ? List.of() : set);
        for (String cap : caps) {
            if (!result.contains(cap)) {
                result.add(cap);
            }
        }
        return result;
    }

    private static boolean nonEmpty(String value) {
        return value != null && !value.isEmpty();
    }
}
