package dev.vouch.ledger.internal;

import dev.vouch.VouchException;
import java.nio.file.Path;
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
 * Used by one thread at a time; {@link #handOver()} when that thread changes (open, then the consumer, then close).
 */
public final class ChronicleJournal implements AutoCloseable {
    /** Documents are committed once they hold this many bytes (a larger record is a document of its own). */
    static final int MAX_DOCUMENT_BYTES = 64 << 10;

    private final WriterLock lock;
    private final ChronicleQueue queue;
    private final ExcerptAppender appender;
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
        this.lock = lock;
        try {
            ChronicleSupport.configure();
            this.queue = SingleChronicleQueueBuilder.binary(directory.toFile())
                    .rollCycle(ChronicleSupport.ROLL_CYCLE)
                    .build();
            this.appender = queue.createAppender();
        } catch (RuntimeException | InternalError e) {
            lock.close();
            // Chronicle's own exceptions (a broken table store, a fault in a mapped read) are not the caller's types.
            throw new VouchException("cannot open the journal's storage in " + directory + " for appending: " + e, e);
        } catch (Error e) {
            lock.close();
            throw e;
        }
    }

    /** Appends one record as a document of its own, committed at once (records written outside the ring). */
    public void append(byte[] record, int length) {
        add(record, 0, length);
        commit();
    }

    /**
     * Adds a record to the open document, opening one if needed. A document that already holds
     * {@link #MAX_DOCUMENT_BYTES} is committed first, so documents stay small; a larger record goes alone.
     *
     * @return whether an open document was committed to make room (its records are now journaled)
     */
    public boolean add(byte[] bytes, int offset, int length) {
        boolean committed = false;
        if (open != null && openLength + length > MAX_DOCUMENT_BYTES) {
            commit();
            committed = true;
        }
        if (open == null) {
            open = appender.writingDocument();
            openBytes = open.wire().bytes();
            openLength = 0;
        }
        openBytes.write(bytes, offset, length);
        openLength += length;
        return committed;
    }

    /** Completes the open document, if any: from here on its records are in the journal. */
    public void commit() {
        DocumentContext dc = open;
        if (dc != null) {
            open = null;
            openBytes = null;
            dc.close();
        }
    }

    /** Forces written records to the storage device (msync), for callers who ask to survive an OS crash. */
    public void sync() {
        commit();
        appender.sync();
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
                    lock.close();
                }
            }
        }
    }
}
