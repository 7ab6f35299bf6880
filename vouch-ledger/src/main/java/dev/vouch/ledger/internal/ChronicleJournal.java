package dev.vouch.ledger.internal;

import dev.vouch.VouchException;
import java.nio.file.Path;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The append side of the journal: the only class that writes Chronicle Queue files. Each record is one
 * Chronicle document holding exactly the record's bytes. Used by one thread at a time; {@link #handOver()}
 * when that thread changes (open, then the consumer, then close).
 */
public final class ChronicleJournal implements AutoCloseable {
    private final WriterLock lock;
    private final ChronicleQueue queue;
    private final ExcerptAppender appender;

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

    public void append(byte[] record, int length) {
        append(record, 0, length);
    }

    public void append(byte[] bytes, int offset, int length) {
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(bytes, offset, length);
        }
    }

    /** Forces written records to the storage device (msync), for callers who ask to survive an OS crash. */
    public void sync() {
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
