package dev.vouch.ledger.internal;

import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.StorageDamageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a journal that a writer may still be appending to, and goes on reading as it grows: {@link #next} returning
 * false means "nothing more yet", and a later call returns what was appended since. Like
 * {@link StorageRecordSource} it reads the cycle files with plain positional reads, so it never writes, locks or
 * maps anything and cannot slow the writer down beyond sharing the disk.
 *
 * <p>Each look at a file is a fresh snapshot ({@link CycleFileReader} reads a file as long as it was when opened):
 * after the end, the next call reopens the file and goes on after the last record returned (remembered as its
 * document's offset and its place in that document, which never change once written). The writer fills one cycle
 * file per day, in order, so once the current file is read to its end and a later one exists, the later one is
 * next. A file that is still being created (empty, zero-filled, or its header not yet complete) is waited for, not
 * reported. Damage in a file is reported once, as a {@link StorageDamageException}; reading then goes on with the
 * next file. Not thread-safe.
 */
public final class JournalFollower implements RecordSource {
    private final Path directory;
    /** The file being read, or null before the first one appeared. */
    private Path file;
    private CycleFileReader current;
    /** The document holding the last record returned from {@link #file}, and where in it that record starts. */
    private long lastDocument = -1;
    private int lastInDocument;
    /** {@link #file} was damaged beyond what was read: only a later file can bring more. */
    private boolean fileDone;

    private JournalFollower(Path directory) {
        this.directory = directory;
    }

    /**
     * Opens {@code directory} for following.
     *
     * @throws IOException if it is missing, not a directory, or holds no journal files
     */
    public static JournalFollower open(Path directory) throws IOException {
        StorageRecordSource.open(directory).close(); // the same checks and messages as a plain read
        return new JournalFollower(directory);
    }

    @Override
    public boolean next(RecordBuffer into) throws IOException {
        while (true) {
            if (current == null && !fileDone && !openCurrent()) {
                return false;
            }
            if (current != null) {
                try {
                    if (current.next(into)) {
                        lastDocument = current.lastRecordOffset();
                        lastInDocument = current.lastRecordInDocument();
                        return true;
                    }
                } catch (StorageDamageException e) {
                    fileDone = true;
                    closeCurrent();
                    throw e;
                }
                closeCurrent();
            }
            // The current file is read to its end as it is now: a later file means the writer moved on.
            Path later = fileAfter(file);
            if (later == null) {
                return false;
            }
            file = later;
            lastDocument = -1;
            lastInDocument = 0;
            fileDone = false;
        }
    }

    /** Opens {@link #file} (the first cycle file at first) after the last record returned; false if not readable yet. */
    private boolean openCurrent() throws IOException {
        if (file == null) {
            List<Path> cycles = CycleFiles.list(directory).cycles();
            if (cycles.isEmpty()) {
                return false;
            }
            file = cycles.get(0);
        }
        CycleFileReader reader;
        try {
            reader = CycleFileReader.open(file);
        } catch (StorageDamageException e) {
            if (CycleFileReader.neverWritten(file)) {
                return false; // being created: its header comes first, then its records
            }
            fileDone = true;
            throw e;
        }
        if (lastDocument >= 0) {
            try {
                reader.seekRecord(lastDocument, lastInDocument);
                if (!reader.next(new RecordBuffer(256))) {
                    throw new StorageDamageException(file.getFileName() + " offset " + lastDocument, file
                            + ": the record read there before is gone: the file was cut short or rewritten");
                }
            } catch (IOException | RuntimeException e) {
                reader.close();
                fileDone = true;
                throw e;
            }
        }
        current = reader;
        return true;
    }

    private Path fileAfter(Path f) throws IOException {
        List<Path> cycles = CycleFiles.list(directory).cycles();
        int at = f == null ? -1 : cycles.indexOf(f);
        if (f != null && at < 0) {
            // Gone from the listing: go on with the first file after it by name.
            for (Path c : cycles) {
                if (c.getFileName().toString().compareTo(f.getFileName().toString()) > 0) {
                    return c;
                }
            }
            return null;
        }
        return at + 1 < cycles.size() ? cycles.get(at + 1) : null;
    }

    private void closeCurrent() throws IOException {
        CycleFileReader r = current;
        current = null;
        if (r != null) {
            r.close();
        }
    }

    @Override
    public String position() {
        if (file == null) {
            return "";
        }
        return file.getFileName() + " offset " + lastDocument + (lastInDocument > 0 ? "+" + lastInDocument : "");
    }

    @Override
    public void close() throws IOException {
        closeCurrent();
    }
}
