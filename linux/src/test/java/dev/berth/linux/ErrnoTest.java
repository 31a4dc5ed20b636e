package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ErrnoTest {

    @Test
    void namesAndDescriptionsOfCommonErrnos() {
        assertEquals(1, Errno.EPERM);
        assertEquals(2, Errno.ENOENT);
        assertEquals(39, Errno.ENOTEMPTY);
        assertEquals(18, Errno.EXDEV);
        assertEquals("ENOENT", Errno.name(Errno.ENOENT));
        assertEquals("No such file or directory", Errno.description(Errno.ENOENT));
        assertEquals("EPERM", Errno.name(1));
        assertEquals("Operation not permitted", Errno.description(1));
        assertEquals("ESRCH", Errno.name(3));
        assertEquals("ELOOP", Errno.name(40));
        assertEquals("Too many levels of symbolic links", Errno.description(Errno.ELOOP));
        assertEquals("EHWPOISON", Errno.name(133));
        assertEquals("Memory page has hardware error", Errno.description(133));
    }

    @Test
    void aliasesGiveTheCanonicalName() {
        assertEquals(Errno.EAGAIN, Errno.EWOULDBLOCK);
        assertEquals("EAGAIN", Errno.name(Errno.EWOULDBLOCK));
        assertEquals("EOPNOTSUPP", Errno.name(Errno.ENOTSUP));
        assertEquals("EDEADLK", Errno.name(Errno.EDEADLOCK));
    }

    @Test
    void unknownNumbersAreNamedByNumber() {
        assertEquals("errno 200", Errno.name(200));
        assertEquals("Unknown error 200", Errno.description(200));
        assertEquals("errno 0", Errno.name(0));
        assertEquals("errno -1", Errno.name(-1));
        assertEquals("errno 41", Errno.name(41)); // unassigned on Linux
    }

    @Test
    void everyAssignedNumberUpTo133HasADistinctNameAndADescription() {
        Set<String> names = new HashSet<>();
        for (int errno = 1; errno <= 133; errno++) {
            if (errno == 41 || errno == 58) continue;
            String name = Errno.name(errno);
            assertTrue(name.matches("E[A-Z0-9]+"), errno + " -> " + name);
            assertTrue(names.add(name), "duplicate name " + name);
            assertFalse(Errno.description(errno).startsWith("Unknown"), "no description for " + name);
        }
        assertEquals(131, names.size());
    }

    @Test
    void syscallExceptionMessageNamesCallPathAndErrno() {
        SyscallException withPath = new SyscallException("mount", Errno.EPERM, "/proc");
        assertEquals("mount `/proc`: EPERM (Operation not permitted)", withPath.getMessage());
        assertEquals("mount", withPath.syscall());
        assertEquals(Errno.EPERM, withPath.errno());
        assertEquals("EPERM", withPath.errnoName());
        assertEquals("/proc", withPath.path());

        SyscallException withoutPath = new SyscallException("kill", Errno.ESRCH, null);
        assertEquals("kill: ESRCH (No such process)", withoutPath.getMessage());
        assertNull(withoutPath.path());
    }
}
