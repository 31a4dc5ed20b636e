package dev.berth.cgroups;

import dev.berth.linux.Bpf;
import dev.berth.linux.Errno;
import dev.berth.linux.Fd;
import dev.berth.linux.OpenFlags;
import dev.berth.linux.SyscallException;
import java.nio.file.Path;
import java.util.List;

/**
 * Applies device rules to a cgroup2 directory: loads the {@link DeviceProgram} and attaches it
 * as the directory's BPF_CGROUP_DEVICE program, replacing the one attached before (on update).
 *
 * <p>No pinning: an attached program holds a reference of its own and goes away with the cgroup
 * (cgroup_bpf_release runs when the cgroup is freed), so closing the fds here is enough.
 */
final class DeviceControl {
    private DeviceControl() {}

    /**
     * Attaches the new program first, then detaches the ones attached before it. With
     * BPF_F_ALLOW_MULTI an access needs every attached program's consent, so in between the
     * rules are at worst stricter than both the old and new ones, never looser.
     */
    static void apply(Path dir, List<Resources.DeviceRule> rules) {
        byte[] program = DeviceProgram.compile(rules);
        try (Fd cgroup = Fd.open(dir, OpenFlags.O_DIRECTORY | OpenFlags.O_RDONLY, 0);
                Fd loaded = Bpf.loadCgroupDeviceProgram(program, DeviceProgram.LICENSE)) {
            int[] before = Bpf.cgroupDevicePrograms(cgroup);
            Bpf.attachCgroupDevice(cgroup, loaded);
            for (int id : before) {
                detach(cgroup, id);
            }
        } catch (SyscallException e) {
            throw new CgroupException("cgroup: cannot apply the device rules to " + dir
                    + " as a BPF device program: " + e.getMessage(), e);
        }
    }

    /** ENOENT means someone else already detached (or the kernel freed) the program: fine. */
    private static void detach(Fd cgroup, int id) {
        try (Fd old = Bpf.programById(id)) {
            Bpf.detachCgroupDevice(cgroup, old);
        } catch (SyscallException e) {
            if (e.errno() != Errno.ENOENT) throw e;
        }
    }
}
