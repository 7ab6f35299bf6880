package dev.vouch.ledger.internal;

import dev.vouch.VouchException;
import dev.vouch.internal.SecretFiles;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Set;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The append side of the journal: the only class that writes Chronicle Queue files. A Chronicle document holds
 * one or more whole records back to back (docs/FORMAT.md, "Storage"): the journal stage {@link #add}s the records
 * of a batch to one open document and {@link #commit}s it at the end of the batch, so Chronicle's per-document
 * header, index and position work is paid once per batch instead of once per record. Records in a document that
 * is not committed yet are not in the journal: a crash loses them, and nobody has been told they are journaled.
 * Disk space is reserved ahead of every write ({@link SpaceReservation}), so a full disk is an error before a
 * write, not a fault in one; after any failure the open document is {@link #abandon}ed, never committed.
 * Used by one thread at a time; {@link #handOver()} when that thread changes (open, then the consumer, then close).
 */
public final class ChronicleJournal implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("dev.vouch.ledger");
    /** Documents are committed once they hold this many bytes (a larger record is a document of its own). */
    static final int MAX_DOCUMENT_BYTES = 64 << 10;

    private final WriterLock lock;
    private final Path directory;
    /** The cycle files written since the last {@link #sync}: it forces each of them, and the directory if one is new. */
    private final Set<File> unsynced = new LinkedHashSet<>();
    /**
     * The newest cycle file whose directory entry a {@link #sync} has forced, or null before the first: files only
     * roll forward, so any other file in {@link #unsynced} is new to the directory.
     */
    private File entryForced;
    /** Forces of the directory so far (tests count them). */
    long directoryForces;
    private final ChronicleQueue queue;
    private final ExcerptAppender appender;
    /** Disk space reserved ahead of the writes, in {@link #reservedFile}; {@link #end} is where the last write ended. */
    private final SpaceReservation space = new SpaceReservation();
    private final StorageWatch storage;
    private File reservedFile;
    private long end;
    /** The document records are being added to, or null. */
    private DocumentContext open;
    private Bytes<?> openBytes;
    private int openLength;

    /**
     * Takes the writer lock of an existing {@code directory} and opens its journal for appending: for tools and tests
     * that write raw records, outside a ledger.
     */
    public static ChronicleJournal openLocked(Path directory) {
        return new ChronicleJournal(directory, WriterLock.acquire(directory));
    }

    /** Opens the journal for appending; owns {@code lock} from here on and releases it on close or failure. */
    ChronicleJournal(Path directory, WriterLock lock) {
        this(directory, lock, System::currentTimeMillis);
    }

    /** As {@link #ChronicleJournal(Path, WriterLock)}, with the system clock given (tests set it back). */
    ChronicleJournal(Path directory, WriterLock lock, java.util.function.LongSupplier systemMillis) {
        this.lock = lock;
        this.directory = directory;
        this.storage = new StorageWatch(lock, System.nanoTime());
        net.openhft.chronicle.queue.impl.single.SingleChronicleQueue built = null;
        try {
            ChronicleSupport.configure();
            ForwardClock clock = new ForwardClock(systemMillis, ChronicleSupport.ROLL_CYCLE.lengthInMillis());
            built = SingleChronicleQueueBuilder
                    .binary(directory.toFile())
                    .rollCycle(ChronicleSupport.ROLL_CYCLE)
                    .timeProvider(clock)
                    .build();
            this.queue = built;
            int newest = built.lastCycle();
            if (newest >= 0) {
                clock.newestCycle(newest);
                if (clock.behind()) {
                    LOG.warn("The system clock ({}) is behind the journal's newest day file in {} (from {}): records"
                            + " go on into that file until the clock passes it, so that the files stay in order",
                            java.time.Instant.ofEpochMilli(systemMillis.getAsLong()), directory,
                            java.time.Instant.ofEpochMilli((long) newest * ChronicleSupport.ROLL_CYCLE.lengthInMillis()));
                }
            }
            this.appender = queue.createAppender();
            JournalModes.restrict(directory.resolve(CycleFiles.TABLE_STORE_NAME));
        } catch (Exception | InternalError e) {
            closeQuietly(built);
            lock.close();
            // Chronicle's own exceptions (a broken table store, a fault in a mapped read) are not the caller's types,
            // and it throws checked ones undeclared: a cycle file the writer may not write is a FileNotFoundException
            // (an outside trial's journal moved to a new host, one day file still root's).
            throw new VouchException("cannot open the journal's storage in " + directory + " for appending: "
                    + (e instanceof java.io.IOException ? e.getMessage() : e.toString())
                    + tableStoreHint(e) + (e instanceof java.io.IOException
                            ? " (the writer must be able to read and write every file in the journal directory)" : ""),
                    e);
        } catch (Error e) {
            closeQuietly(built);
            lock.close();
            throw e;
        }
    }

    private static void closeQuietly(net.openhft.chronicle.queue.impl.single.SingleChronicleQueue queue) {
        if (queue != null) {
            try {
                queue.close();
            } catch (RuntimeException ignored) {
                // the open already failed; that failure is the one to report
            }
        }
    }

    /**
     * Chronicle blames a table store it cannot read on a lock ("Unable to claim exclusive ... lock on file
     * .../metadata.cq4t"); say what it more likely is, and what to do: the records never depend on that file.
     */
    private static String tableStoreHint(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return m.contains(CycleFiles.TABLE_STORE_SUFFIX) ? ". If no other process has the journal open, Chronicle's"
                + " table store (" + CycleFiles.TABLE_STORE_NAME + ") is damaged: no record depends on it, so move it"
                + " out of the directory (keep it as evidence) and open again; Chronicle writes a new one" : "";
    }

    /** Appends one record as a document of its own, committed at once (records written outside the ring). */
    public void append(byte[] record, int length) {
        commit();
        try {
            add(record, 0, length);
        } catch (Exception | Error e) { // Exception: Chronicle throws checked ones undeclared
            abandon(); // not committed later by close: the caller fails, and the journal ends before this record
            throw e;
        }
        commit();
    }

    /**
     * Whether a record of {@code length} bytes does not fit the open document, which must then be {@link #commit}ted
     * before the record is {@link #add}ed, so documents stay small. The caller commits, not {@code add}: a
     * commit that succeeds is news to the callers waiting for its records even if opening the next document
     * then fails (a full disk), and the journal stage must tell them before it fails.
     */
    public boolean full(int length) {
        return open != null && openLength + length > MAX_DOCUMENT_BYTES;
    }

    /**
     * Adds a record to the open document, opening one if needed; a record larger than {@link #MAX_DOCUMENT_BYTES}
     * goes into a document of its own.
     *
     * @throws IllegalStateException if the record does not fit the open document ({@link #full})
     */
    public void add(byte[] bytes, int offset, int length) {
        if (full(length)) {
            throw new IllegalStateException("commit the open document (" + openLength + " bytes) before adding "
                    + length + " more");
        }
        if (open == null) {
            if (reservedFile != null) {
                // The document starts where the last one ended (or after a new index array): reserve before
                // Chronicle writes its header.
                space.reserve(reservedFile, end, end + length);
            }
            open = appender.writingDocument();
            openBytes = open.wire().bytes();
            openLength = 0;
            File current = appender.currentFile(); // a new day's file after a roll
            if (current != null && !current.equals(reservedFile)) {
                JournalModes.restrict(current.toPath()); // Chronicle creates it 0666 less the umask
            }
            reservedFile = current;
            if (reservedFile != null) {
                unsynced.add(reservedFile);
            }
            try {
                space.reserve(reservedFile, openBytes.writePosition(), openBytes.writePosition() + length);
            } catch (RuntimeException e) {
                abandon(); // an empty document must not be committed later, at close
                throw e;
            }
        }
        long at = openBytes.writePosition();
        if (!space.covers(at + length)) {
            space.reserve(reservedFile, at, at + length);
        }
        openBytes.write(bytes, offset, length);
        openLength += length;
        end = at + length;
    }

    /**
     * Fails if the journal's file system has turned read-only ({@link StorageWatch}, at most ten times a second): asked
     * before the callers of committed records are told they are journaled.
     */
    public void checkStorage() {
        storage.check(System.nanoTime());
    }

    /** Completes the open document, if any: from here on its records are in the journal. */
    public void commit() {
        DocumentContext dc = open;
        if (dc != null) {
            open = null;
            openBytes = null;
            openLength = 0;
            dc.close();
        }
    }

    /**
     * After a failure: drops the open document, if any, without committing it, so that nothing written after the
     * failure can reach the journal (not even at {@link #close}). Chronicle rolls it back (zeroes what it wrote
     * and releases its write lock); where that fails too, as on a full disk it may, the document stays as a
     * writer killed in mid-append leaves it, which readers take for a torn tail and the next open repairs.
     */
    public void abandon() {
        DocumentContext dc = open;
        open = null;
        openBytes = null;
        openLength = 0;
        if (dc != null) {
            try {
                dc.rollbackOnClose();
                dc.close();
            } catch (RuntimeException | InternalError e) {
                // The journal has already failed; this is only tidying up.
            }
        }
    }

    /**
     * Forces the committed records to the storage device, for callers who ask to survive an OS crash or a power loss:
     * {@code fdatasync} of every cycle file written since the last sync, then {@code fsync} of the directory when one
     * of them is new since the last sync (a new day's file is an entry in it; the first sync after the journal opens
     * forces the directory too, for whatever the open created or moved). Forcing the directory every time cost a
     * fifth of a SYNCED write (SyncedBenchmark) for entries that had not changed. Chronicle's own {@code sync()} is
     * an {@code msync(MS_ASYNC)}, which Linux treats as a no-op since 2.6.19: an outside crash trial found SYNCED
     * records, the seal of {@code close()} and the rotation record still only in the page cache seconds after they
     * were "forced", and a power loss then undid a key rotation whose new key file had reached the disk.
     *
     * @throws UncheckedIOException if the device refuses (the records are journaled, but not known to be on disk)
     */
    public void sync() {
        commit();
        boolean newEntry = entryForced == null;
        File newest = entryForced;
        try {
            for (File file : unsynced) {
                try (FileChannel ch = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
                    ch.force(false);
                }
                if (!file.equals(entryForced)) {
                    newEntry = true;
                    newest = file;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot force the journal " + directory + " to disk: " + e.getMessage(), e);
        }
        if (newEntry) {
            // Best effort, as for the key files: some platforms cannot open a directory to force it.
            SecretFiles.syncDirectory(directory);
            directoryForces++;
            entryForced = newest;
        }
        unsynced.clear();
    }

    /** Lets the next thread use the appender (Chronicle checks single-threaded use). */
    public void handOver() {
        appender.singleThreadedCheckReset();
    }

    @Override
    public void close() {
        handOver();
        try {
            commit(); // normally a no-op: the journal stage commits at the end of every batch
        } finally {
            try {
                appender.close();
            } finally {
                try {
                    queue.close();
                } finally {
                    try {
                        space.close(end);
                    } finally {
                        lock.close();
                    }
                }
            }
        }
    }
}
