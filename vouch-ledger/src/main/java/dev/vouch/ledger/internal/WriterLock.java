package dev.vouch.ledger.internal;

import dev.vouch.VouchException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a journal to one writer. Chronicle Queue lets several appenders share a queue, which would interleave
 * two ledgers' sequence numbers and chains and ruin the journal for good; an OS file lock on a file beside the
 * journal's data refuses the second writer instead, in this JVM or another. The OS drops the lock when the
 * process dies, so a crash never leaves the journal locked. Readers never touch it.
 */
final class WriterLock implements AutoCloseable {
    /** The lock file's name inside the journal directory. */
    public static final String FILE_NAME = ".vouch-writer.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private WriterLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock or fails at once; never waits. */
    public static WriterLock acquire(Path journalDirectory) {
        Path file = journalDirectory.resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    JournalModes.fileAttributes(file));
        } catch (IOException e) {
            throw new VouchException("cannot open the writer lock " + file + ": " + e, e);
        }
        FileLock lock = null;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new VouchException("cannot lock " + file + ": " + e, e);
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new VouchException("the journal " + journalDirectory + " is already open for writing by another Ledger"
                    + " (in this or another process; " + file + " is locked). One journal has one writer: close that"
                    + " Ledger (stop its process) first, or, for a new journal, use another directory");
        }
        return new WriterLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel below releases it anyway.
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing was written through it.
        }
    }
}
