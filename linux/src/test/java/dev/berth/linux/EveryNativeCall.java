package dev.berth.linux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link DowncallShapeTest} in a JVM of its own: makes every kind of native call of this
 * module once, failures included, so that the class-load log shows each downcall shape bound.
 */
final class EveryNativeCall {
    private EveryNativeCall() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Processes.setChildSubreaper();
        Processes.getpid();
        Processes.geteuid();
        Path fifo = dir.resolve("fifo");
        FileSystemCalls.mkfifo(fifo, 0600);
        FileSystemCalls.statfsType(dir);
        Path node = dir.resolve("node");
        FileSystemCalls.mknod(node, FileSystemCalls.S_IFCHR, 0, 0);
        Xattrs.set(node, "trusted.berth", new byte[] {1});
        Xattrs.get(node, "trusted.berth");
        Xattrs.list(node);
        FileSystemCalls.chmod(node, 0600);
        FileSystemCalls.setModifiedTime(node, java.time.Instant.EPOCH);
        Files.delete(node);
        try (FsContext overlay = FsContext.open("overlay")) {
            failing(() -> overlay.setString("lowerdir+", dir.resolve("missing").toString()));
            failing(() -> overlay.create());
            failing(() -> overlay.mountOn(dir, 0));
        }
        failing(() -> FileSystemCalls.mount("none", dir, "berthfs-does-not-exist", 0, null));
        failing(() -> FileSystemCalls.umount2(dir, FileSystemCalls.MNT_DETACH));
        try (Fd fifoEnd = Fd.open(fifo, OpenFlags.O_RDWR | OpenFlags.O_NONBLOCK, 0);
                SocketPair pair = SocketPair.create()) {
            fifoEnd.write(new byte[] {1});
            fifoEnd.pollIn(Duration.ZERO);
            fifoEnd.readFully(new byte[1]);
            int pid = Spawn.spawn(Path.of("/bin/true"), List.of("true"), List.of(), Map.of(3, pair.childEnd()));
            try (Fd pidfd = Processes.pidfdOpen(pid)) {
                Processes.pidfdSendSignal(pidfd, 0);
            }
            Processes.isAlive(pid);
            Processes.kill(pid, 0);
            Processes.waitpid(pid, false);
            failing(() -> Processes.waitpid(pid, true));
            try (Fd copy = Fd.inherited(Integer.parseInt(pair.parentEnd().toString().substring("fd ".length())))) {
                copy.isOpen();
            }
        }
        // mov64 r0, 1; exit: a device program that allows everything.
        byte[] allowAll = {(byte) 0xb7, 0, 0, 0, 1, 0, 0, 0, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0};
        try (Fd program = Bpf.loadCgroupDeviceProgram(allowAll, "Apache-2.0");
                Fd notACgroup = Fd.open(dir, OpenFlags.O_DIRECTORY | OpenFlags.O_RDONLY, 0)) {
            failing(() -> Bpf.attachCgroupDevice(notACgroup, program));
            failing(() -> Bpf.cgroupDevicePrograms(notACgroup));
        }
        failing(() -> Bpf.loadCgroupDeviceProgram(new byte[8], "Apache-2.0"));
        failing(() -> Spawn.spawn(dir.resolve("missing"), List.of("missing"), List.of(), Map.of()));
        Files.delete(fifo);
    }

    private static void failing(Runnable call) {
        try {
            call.run();
        } catch (SyscallException expected) {
            return;
        }
        throw new AssertionError("expected a SyscallException");
    }
}
