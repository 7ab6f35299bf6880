package dev.vouch.ledger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vouch.Durability;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Throwable that escapes the journal stage (as the JVM's asynchronous {@code InternalError} after a fault in a
 * mapped file can, wherever the thread's next safepoint is) fails the ledger instead of ending the consumer
 * thread: the callers of the slot it escaped on, of the records in the open document and of every later slot are
 * told, and their events are counted as lost. Without the handler, Disruptor's default ends the thread and they
 * wait for ever.
 */
class StageFailureHandlerTest {
    @TempDir
    Path tmp;

    @Test
    void shouldFailTheCallersOfTheOpenDocumentTheEscapedSlotAndEveryLaterSlot() throws Exception {
        try (Fixture f = new Fixture()) {
            Waiter inDocument = f.deliver(0);
            Waiter escapedOn = new Waiter().arm(Durability.JOURNALED);
            Slot notReached = f.eventSlot(1, escapedOn);
            InternalError fault = new InternalError("a fault occurred in an unsafe memory access operation");

            new StageFailureHandler(null, f.stage).handleEventException(fault, 1, notReached);

            assertEquals(-1, inDocument.poll(), "the caller whose record was in the open document is told");
            assertEquals(-1, escapedOn.poll(), "the caller of the slot the error escaped on is told");
            // The ledger's failure says it in words (an outside trial read only the JVM's InternalError text).
            assertSame(fault, f.failure.get().getCause().getCause());
            assertEquals(true, f.failure.get().getMessage().contains("memory-mapped file faulted (SIGBUS)"));
            assertEquals(2, f.counters.lost.get());
            assertEquals(0, f.counters.journaled.get());

            Waiter later = f.deliver(2);
            assertEquals(-1, later.poll(), "a later caller is told too");
            assertEquals(3, f.counters.lost.get());
        }
    }

    @Test
    void shouldFailTheCallersOfASlotTheStageWasHandlingWhenTheErrorEscaped() throws Exception {
        try (Fixture f = new Fixture()) {
            Waiter first = f.deliver(0);
            InternalError fault = new InternalError("a fault occurred in an unsafe memory access operation");

            new StageFailureHandler(null, f.stage).handleEventException(fault, 0, f.slots[0]);

            assertEquals(-1, first.poll());
            assertEquals(1, f.counters.lost.get(), "its record was never committed");
            // The ledger's failure says it in words (an outside trial read only the JVM's InternalError text).
            assertSame(fault, f.failure.get().getCause().getCause());
            assertEquals(true, f.failure.get().getMessage().contains("memory-mapped file faulted (SIGBUS)"));
        }
    }

    /** A journal stage over a real journal, and slots holding (unchained) event records. */
    private final class Fixture implements AutoCloseable {
        final LedgerCounters counters = new LedgerCounters();
        final FailureLatch failure = new FailureLatch();
        final ChronicleJournal journal;
        final JournalStage stage;
        final Slot[] slots = new Slot[4];

        Fixture() throws Exception {
            Path dir = Files.createDirectories(tmp.resolve("journal"));
            journal = ChronicleJournal.openLocked(dir);
            journal.handOver();
            stage = new JournalStage(journal, counters, failure, tmp.resolve(".vouch_key"), "test-journal", 1024);
        }

        Slot eventSlot(int i, Waiter waiter) {
            Slot s = new Slot(256);
            s.length = 200;
            s.buffer[RecordDescriptor.TYPE_OFFSET] = (byte) RecordType.TOOL_CALL.code();
            s.appendEvent = true;
            s.eventSequence = i;
            s.waiter = waiter;
            slots[i] = s;
            return s;
        }

        /** Hands slot {@code i} (a JOURNALED event, not the end of a batch) to the stage; returns its caller. */
        Waiter deliver(int i) {
            Waiter w = new Waiter().arm(Durability.JOURNALED);
            stage.onEvent(eventSlot(i, w), i, false);
            return w;
        }

        @Override
        public void close() {
            journal.close();
        }
    }
}
