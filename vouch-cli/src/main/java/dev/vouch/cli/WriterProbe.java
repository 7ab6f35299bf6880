package dev.vouch.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a writer has a journal open, told without disturbing it: a ledger holds an OS lock on
 * {@value #LOCK_FILE} in the journal directory while it is open (the OS drops it when the process dies). Taking or
 * testing that lock would disturb the writer, so this reads the kernel's table of locks, {@code /proc/locks}
 * (Linux), and looks for a lock on that file's inode; elsewhere the answer is "unknown".
 */
final class WriterProbe {
    /** The ledger's writer lock file (vouch-ledger's {@code WriterLock}); a test keeps the two in step. */
    static final String LOCK_FILE = ".vouch-writer.lock";
    private static final Path LOCKS = Path.of("/proc/locks");

    /** What the probe found: a process holds the lock, none does, or it cannot be told here. */
    record Writer(State state, long pid) {
        enum State { OPEN, NONE, UNKNOWN }
    }

    private WriterProbe() {
    }

    static Writer probe(Path journal) {
        Path lock = journal.resolve(LOCK_FILE);
        if (!Files.exists(lock, LinkOption.NOFOLLOW_LINKS)) {
            return new Writer(Writer.State.NONE, -1); // created by the first writer, and kept
        }
        if (!Files.isReadable(LOCKS)) {
            return new Writer(Writer.State.UNKNOWN, -1);
        }
        long inode;
        long device;
        List<String> lines;
        try {
            inode = ((Number) Files.getAttribute(lock, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
            device = ((Number) Files.getAttribute(lock, "unix:dev", LinkOption.NOFOLLOW_LINKS)).longValue();
            lines = Files.readAllLines(LOCKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return new Writer(Writer.State.UNKNOWN, -1);
        }
        long major = ((device >>> 8) & 0xfff) | ((device >>> 32) & ~0xfffL);
        long minor = (device & 0xff) | ((device >>> 12) & ~0xffL);
        for (String line : lines) {
            // "1: POSIX  ADVISORY  WRITE 4242 fd:01:1234567 0 EOF"; waiters are marked "->" and hold nothing yet.
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || f[1].equals("->")) {
                continue;
            }
            String[] id = f[5].split(":");
            if (id.length != 3) {
                continue;
            }
            try {
                if (Long.parseLong(id[2]) == inode && Long.parseLong(id[0], 16) == major
                        && Long.parseLong(id[1], 16) == minor) {
                    return new Writer(Writer.State.OPEN, Long.parseLong(f[4]));
                }
            } catch (NumberFormatException ignored) {
                // not a line of the documented form
            }
        }
        return new Writer(Writer.State.NONE, -1);
    }
}
