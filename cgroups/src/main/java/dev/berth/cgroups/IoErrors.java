package dev.berth.cgroups;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Map;

/**
 * Turns a java.nio exception back into "ERRNO (text)". The JDK reports a failed syscall only as
 * glibc's strerror(3) text (FileSystemException.getReason(), or the message of a plain
 * IOException from FileChannel.write), or as a dedicated exception class; the cgroups module may
 * not use the linux module's Errno table, so the few errnos cgroupfs returns are listed here.
 */
final class IoErrors {
    private IoErrors() {}

    private static final class Names {
        // glibc strerror texts (C locale) of the errnos cgroupfs, mkdir and rmdir return.
        static final Map<String, String> BY_TEXT = Map.ofEntries(
                Map.entry("Operation not permitted", "EPERM"),
                Map.entry("No such file or directory", "ENOENT"),
                Map.entry("No such process", "ESRCH"),
                Map.entry("Interrupted system call", "EINTR"),
                Map.entry("Input/output error", "EIO"),
                Map.entry("Resource temporarily unavailable", "EAGAIN"),
                Map.entry("Cannot allocate memory", "ENOMEM"),
                Map.entry("Permission denied", "EACCES"),
                Map.entry("Device or resource busy", "EBUSY"),
                Map.entry("File exists", "EEXIST"),
                Map.entry("No such device", "ENODEV"),
                Map.entry("Not a directory", "ENOTDIR"),
                Map.entry("Is a directory", "EISDIR"),
                Map.entry("Invalid argument", "EINVAL"),
                Map.entry("No space left on device", "ENOSPC"),
                Map.entry("Read-only file system", "EROFS"),
                Map.entry("Numerical result out of range", "ERANGE"),
                Map.entry("Directory not empty", "ENOTEMPTY"),
                Map.entry("Operation not supported", "EOPNOTSUPP"),
                Map.entry("Too many levels of symbolic links", "ELOOP"));
    }

    /** "EBUSY (Device or resource busy)", or the exception's own text when the errno is unknown. */
    static String describe(IOException e) {
        return switch (e) {
            case NoSuchFileException _ -> "ENOENT (No such file or directory)";
            case FileAlreadyExistsException _ -> "EEXIST (File exists)";
            case AccessDeniedException _ -> "EACCES (Permission denied)";
            case DirectoryNotEmptyException _ -> "ENOTEMPTY (Directory not empty)";
            case NotDirectoryException _ -> "ENOTDIR (Not a directory)";
            case FileSystemException fse when fse.getReason() != null -> withName(fse.getReason());
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : withName(e.getMessage());
        };
    }

    /** Whether {@code e} carries the given strerror text (e.g. "Device or resource busy"). */
    static boolean hasText(IOException e, String text) {
        String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        return text.equals(reason);
    }

    static final String EBUSY_TEXT = "Device or resource busy";
    static final String EINVAL_TEXT = "Invalid argument";
    static final String ENODEV_TEXT = "No such device";
    static final String EOPNOTSUPP_TEXT = "Operation not supported";

    private static String withName(String text) {
        String name = Names.BY_TEXT.get(text);
        return name == null ? text : name + " (" + text + ")";
    }
}
