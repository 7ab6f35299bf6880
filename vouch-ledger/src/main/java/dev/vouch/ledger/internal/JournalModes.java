package dev.vouch.ledger.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Set;

/**
 * Keeps the journal's files from being writable by anyone but their owner, whatever the umask. An outside trial ran
 * the ledger under umask 000: the day files, Chronicle's table store and the writer lock came out 0666 (its group
 * could rewrite the journal, which verification would catch, but only afterwards), and the directories created above
 * the journal, one of them holding the private key, 0777 (anyone could replace the key or move the journal away).
 * Directories are created 0750 and files tightened to at most 0640, less where the umask says so; the group keeps
 * read access for a backup or an auditor (OPERATIONS.md). Where the file system has no POSIX permissions, nothing.
 */
final class JournalModes {
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-x---");
    private static final Set<PosixFilePermission> FILE_MOST = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ);

    private JournalModes() {
    }

    /** Creates {@code dir} and the directories missing above it, each 0750 (less where the umask says so). */
    static void createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = absolute; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        boolean posix = absolute.getFileSystem().supportedFileAttributeViews().contains("posix");
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                if (posix) {
                    Files.createDirectory(p, PosixFilePermissions.asFileAttribute(DIRECTORY));
                } else {
                    Files.createDirectory(p);
                }
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw e; // created by someone else in the meantime is fine; a file of that name is not
                }
            }
        }
    }

    /** The attributes to create a file of the journal with: 0640 at most. */
    static FileAttribute<?>[] fileAttributes(Path file) {
        return file.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MOST)} : new FileAttribute<?>[0];
    }

    /**
     * Takes from a file Chronicle created every permission beyond 0640 (group write, anything for others, execute):
     * Chronicle creates its files 0666 less the umask. Never adds one. Best effort: a file that cannot be changed (not
     * the process's own) is left as it is.
     */
    static void restrict(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!FILE_MOST.containsAll(perms)) {
                perms.retainAll(FILE_MOST);
                Files.setPosixFilePermissions(file, perms);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // No POSIX permissions here, or not ours to change.
        }
    }
}
