package dev.vouch.ledger.internal;

import dev.vouch.VouchException;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private WriterLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
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
        return new WriterLock(file, channel, lock);
    }

    /**
     * Whether the journal's file system still takes writes: one zero byte written to the lock file (its whole
     * content; readers never look at it), into the page cache, with no flush. ext4 turned read-only after an I/O
     * error ({@code errors=remount-ro}) refuses it with {@code EROFS}, a failed device with {@code EIO}, while the
     * mount table and {@code access(2)} still call it writable and writes to the mapped journal land in memory only.
     * Plain Java: it needs neither native access nor {@code fallocate} (a re-trial found a probe through
     * {@code fallocate} blind on ext4 made without extents).
     *
     * @throws UncheckedIOException if the file system refused the write
     */
    void probe() {
        try {
            channel.write(java.nio.ByteBuffer.wrap(PROBE), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("the journal's storage refused a write to " + file + " (" + e.getMessage()
                    + "): its file system turned read-only (as ext4's errors=remount-ro does after an I/O error) or"
                    + " failed", e);
        }
    }

    private static final byte[] PROBE = new byte[1];

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
