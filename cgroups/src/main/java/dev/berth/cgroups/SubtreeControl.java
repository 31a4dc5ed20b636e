package dev.berth.cgroups;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Makes cgroup2 controllers usable in a new cgroup. A controller's interface files appear in a
 * cgroup only when its parent lists the controller in cgroup.subtree_control, and a parent may
 * only enable what its own cgroup.controllers lists (cgroup-v2.rst, "Enabling and Disabling").
 *
 * <p>berth writes "+controller" to the subtree_control of the levels it created (except the leaf,
 * which must stay free to hold processes under the no-internal-process rule) and of the level
 * just above the first one it created; that level is checked first to offer the controller. The
 * hierarchy root is never written: it is the host's, so it must already enable the controller.
 */
final class SubtreeControl {
    private SubtreeControl() {}

    /**
     * @param root    the hierarchy's mount point
     * @param leaf    the cgroup that needs the controllers
     * @param created the levels berth created in this hierarchy, parents first (may be empty)
     * @param needed  controller name to what needs it, for error messages ("memory" -> "memory limit")
     */
    static void enable(CgroupFiles files, Path root, Path leaf, List<Path> created,
                       Map<String, String> needed) {
        if (needed.isEmpty()) {
            return;
        }
        if (created.isEmpty()) {
            requireListed(files, leaf, needed, "berth did not create " + leaf
                    + " so it does not change its parents");
            return;
        }
        Path above = created.getFirst().getParent();
        requireListed(files, above, needed, "berth can only enable what " + above + " offers");
        if (above.equals(root)) {
            Set<String> enabled = Set.copyOf(files.readWords(root, "cgroup.subtree_control"));
            for (var entry : new TreeMap<>(needed).entrySet()) {
                if (!enabled.contains(entry.getKey())) {
                    throw new CgroupException("cgroup: controller \"" + entry.getKey() + "\" (needed for "
                            + entry.getValue() + ") is not enabled in " + root.resolve("cgroup.subtree_control")
                            + " and berth does not change the hierarchy root's");
                }
            }
        } else {
            enableIn(files, above, needed.keySet());
        }
        for (Path level : created) {
            if (!level.equals(leaf)) {
                enableIn(files, level, needed.keySet());
            }
        }
    }

    private static void requireListed(CgroupFiles files, Path dir, Map<String, String> needed,
                                      String why) {
        List<String> offered = files.readWords(dir, "cgroup.controllers");
        for (var entry : new TreeMap<>(needed).entrySet()) {
            if (!offered.contains(entry.getKey())) {
                throw new CgroupException("cgroup: controller \"" + entry.getKey() + "\" (needed for "
                        + entry.getValue() + ") is not available: " + dir.resolve("cgroup.controllers")
                        + " lists only [" + String.join(" ", offered) + "]; " + why);
            }
        }
    }

    /** One "+name" per write so that a refusal names the controller. */
    private static void enableIn(CgroupFiles files, Path dir, Set<String> controllers) {
        Set<String> enabled = Set.copyOf(files.readWords(dir, "cgroup.subtree_control"));
        for (String controller : new TreeSet<>(controllers)) {
            if (!enabled.contains(controller)) {
                files.write(dir, "cgroup.subtree_control", "+" + controller);
            }
        }
    }
}
