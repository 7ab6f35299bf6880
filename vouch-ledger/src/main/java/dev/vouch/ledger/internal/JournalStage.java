package dev.vouch.ledger.internal;

import static dev.vouch.ledger.internal.LedgerCounters.bump;

import com.lmax.disruptor.EventHandler;
import dev.vouch.Durability;
import dev.vouch.LedgerClosedException;
import dev.vouch.internal.format.BigEndian;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second stage: appends what the chain stage prepared in each slot to the Chronicle journal, in ring
 * order, and only then tells the write-ahead callers. It runs on its own thread, so that the journal's copy
 * into mapped pages overlaps the next records' hashing, or after the chain stage on its thread ({@link InlineStages}). The records of a batch go into one Chronicle document,
 * committed at the end of the batch (or when it is full, or before anything that needs it on disk), and a
 * JOURNALED caller is told only once the document holding its record is committed. It owns the journal's
 * appender and the lists of waiting callers; a failure here is fatal to the ledger like one in the chain stage.
 */
final class JournalStage implements EventHandler<Slot> {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vouch.ledger");

    private final ChronicleJournal journal;
    private final LedgerCounters counters;
    private final FailureLatch failure;
    private final Path keyFile;

    /** JOURNALED callers whose records are in the open document, told at its commit. */
    private final WaiterList journaledWaiters = new WaiterList();
    /** Records and events in the open document, counted at its commit. */
    private long uncommittedRecords;
    private long uncommittedEvents;
    /** Callers waiting for a checkpoint over their record (SEALED, SYNCED). */
    private final WaiterList sealWaiters = new WaiterList();
    private boolean appendFailed;
    /** The ring sequence of the slot being handled, and its caller until told: for {@link #escaped}. */
    private long handling = -1;
    private Waiter handlingWaiter;

    private final String threadName;

    /**
     * The most that slots may hold beyond their pre-allocated capacity, in all. A slot grows for an event larger than
     * its buffer and used to keep the larger buffer for ever: an outside trial's gateway (4,096 slots) kept one
     * 100 KB or 1 MB buffer per slot its agent's large calls had passed through, held 269 MB after 3,000 calls had
     * ended, and ran out of heap. Grown slots within the budget are kept (a steady stream of events a little over
     * {@code slotCapacity} allocates nothing); beyond it, a slot whose event is appended gets a buffer of the
     * ordinary size back. Only this stage, the slot's last user, replaces it; the producer that claims the slot
     * next reads it after the ring's gating sequence, which orders the write.
     */
    static final long GROWN_SLOTS_BUDGET = 16L << 20;
    private final int slotCapacity;
    /** Bytes the slots hold beyond {@link #slotCapacity}, as last seen here (each slot's share in {@code Slot.grown}). */
    private long grown;

    JournalStage(ChronicleJournal journal, LedgerCounters counters, FailureLatch failure, Path keyFile,
                 String threadName, int slotCapacity) {
        this.journal = journal;
        this.counters = counters;
        this.failure = failure;
        this.keyFile = keyFile;
        this.threadName = threadName;
        this.slotCapacity = slotCapacity;
    }

    @Override
    public void onStart() {
        Thread.currentThread().setName(threadName);
    }

    @Override
    public void onEvent(Slot slot, long ringSequence, boolean endOfBatch) {
        Waiter waiter = slot.waiter;
        slot.waiter = null;
        handling = ringSequence;
        handlingWaiter = waiter;
        // Slots the chain stage finished before it failed are whole and valid, so they are still appended; it
        // marks every slot after its failure. A failure here stops everything after it.
        if (slot.discard || appendFailed) {
            discard(slot, waiter);
            return;
        }
        try {
            if (slot.appendEvent) {
                appendEvent(slot, waiter);
            }
            ControlRecords trailer = slot.trailer;
            for (int i = 0, n = trailer.count(); i < n; i++) {
                add(trailer.bytes(), trailer.start(i), trailer.end(i) - trailer.start(i), false);
            }
            if (slot.checkpointsInTrailer > 0) {
                commit();
                bump(counters.checkpoints, slot.checkpointsInTrailer);
                bump(counters.sealed, slot.eventsSealedByTrailer);
                counters.sealedMore();
                counters.lastCheckpointNanoTime.lazySet(System.nanoTime());
                releaseSealWaiters();
            }
            switch (slot.then) {
                case COMPLETE -> {
                    commit();
                    complete(waiter, slot);
                }
                case PROMOTE_KEY -> {
                    // The journal must name the new key durably before the old key file disappears.
                    sync();
                    KeyRotation.promote(keyFile);
                    complete(waiter, slot);
                }
                case SYNC_AND_COMPLETE -> {
                    sync();
                    complete(waiter, slot);
                }
                case NOTHING -> { }
                default -> throw new IllegalStateException("unknown step " + slot.then);
            }
            if (endOfBatch) {
                commit();
            }
        } catch (Throwable t) {
            fatal(t, waiter);
        }
        handlingWaiter = null;
    }

    /**
     * A Throwable escaped a stage on this stage's thread ({@link StageFailureHandler}): from the chain stage before
     * this stage saw slot {@code ringSequence}, or from this stage outside its own {@code try} (an asynchronous
     * error such as the {@code InternalError} the JVM raises after a fault in a memory-mapped file, which
     * surfaces at the next safepoint, wherever that is). Fails the ledger as a failure caught inside would, and
     * fails or counts as lost whatever of that slot was not finished, so no caller is left waiting.
     */
    void escaped(Throwable escaped, long ringSequence, Slot slot) {
        Throwable t = JournalFaults.explained(escaped);
        if (ringSequence == handling) {
            Waiter waiter = handlingWaiter;
            handlingWaiter = null;
            fatal(t, waiter);
            return;
        }
        // The slot never reached this stage: handle it as a slot the chain stage failed, so the whole records
        // before it are kept, it is counted as lost and its caller is told.
        if (failure.trip(t)) {
            LOG.error("[CRITICAL] Vouch ledger stopped: {}. No further events are accepted; {} records were "
                    + "appended in this session.", t.toString(), counters.records.get(), t);
        }
        slot.discard = true;
        onEvent(slot, ringSequence, true);
    }

    /** Whether slot {@code ringSequence} has reached this stage. */
    boolean reached(long ringSequence) {
        return handling == ringSequence;
    }

    /**
     * Adds a record to the open document, committing it first (and telling its callers) if the record does not
     * fit. The record is counted before it is added, so that if adding fails it is among the uncommitted ones
     * {@link #fatal} counts as lost.
     */
    private void add(byte[] bytes, int offset, int length, boolean event) {
        if (journal.full(length)) {
            commit();
        }
        uncommittedRecords++;
        if (event) {
            uncommittedEvents++;
        }
        journal.add(bytes, offset, length);
    }

    /**
     * Commits the open document and tells everyone waiting for its records, unless the file system turned read-only
     * (then the ledger fails, and they are told that instead).
     */
    private void commit() {
        journal.commit();
        journal.checkStorage();
        committed();
    }

    private void sync() {
        commit(); // first, so that its records count as journaled even if the sync then fails
        journal.sync();
    }

    private void committed() {
        bump(counters.records, uncommittedRecords);
        bump(counters.journaled, uncommittedEvents);
        if (uncommittedEvents > 0) {
            counters.journaledMore();
        }
        uncommittedRecords = 0;
        uncommittedEvents = 0;
        journaledWaiters.completeAll();
    }

    private void appendEvent(Slot slot, Waiter waiter) {
        byte[] b = slot.buffer;
        add(b, 0, slot.length, true);
        if (slot.grew) {
            bump(counters.poolMissesSeen, 1);
        }
        keepWithinBudget(slot, b);
        long latency = System.nanoTime() - slot.acceptedNanoTime;
        bump(counters.latencyTotalNanos, latency);
        if (latency > counters.latencyMaxNanos.get()) {
            counters.latencyMaxNanos.lazySet(latency);
        }
        int type = b[RecordDescriptor.TYPE_OFFSET];
        if (type == RecordType.TASK_START.code()) {
            counters.openTasks.started(BigEndian.getLong(b, RecordDescriptor.SEQUENCE_OFFSET));
        } else if (type == RecordType.TASK_END.code()) {
            counters.openTasks.ended(BigEndian.getLong(b, RecordDescriptor.HEADER_LENGTH
                    + RecordDescriptor.EVENT_PARENT_OFFSET));
        }
        if (waiter != null) {
            if (waiter.durability == Durability.JOURNALED) {
                journaledWaiters.add(waiter, slot.eventSequence);
            } else {
                sealWaiters.add(waiter, slot.eventSequence);
            }
        }
    }

    /** Counts what {@code slot}'s buffer holds beyond the ordinary size, and gives it back past the budget. */
    private void keepWithinBudget(Slot slot, byte[] buffer) {
        int extra = buffer.length - slotCapacity;
        if (extra == slot.grown) {
            return;
        }
        grown += extra - slot.grown;
        slot.grown = extra;
        if (grown > GROWN_SLOTS_BUDGET && extra > 0) {
            try {
                slot.buffer = new byte[slotCapacity];
            } catch (OutOfMemoryError full) {
                return; // keep the grown one: the ledger must not fail for want of a small buffer to give a big one back
            }
            grown -= extra;
            slot.grown = 0;
        }
    }

    private static void complete(Waiter waiter, Slot slot) {
        if (waiter != null) {
            if (slot.rotatedKey != null) {
                waiter.complete(slot.completeSequence, slot.rotatedKey);
            } else {
                waiter.complete(slot.completeSequence);
            }
        }
    }

    /** A checkpoint covering every waiter's event has just been appended. */
    private void releaseSealWaiters() {
        if (sealWaiters.isEmpty()) {
            return;
        }
        if (sealWaiters.anyWants(Durability.SYNCED)) {
            sync();
        }
        sealWaiters.completeAll();
    }

    private void discard(Slot slot, Waiter waiter) {
        if (!appendFailed && JournalFaults.isFault(failure.get())) {
            // A fault in the mapped file (where no space could be reserved ahead: SpaceReservation) that surfaced
            // on this thread outside this stage (one thread runs both stages): the open document's content may
            // not all have landed, so it is not committed.
            fatal(failure.get(), null);
        }
        if (!appendFailed) {
            // The chain stage failed or sealed: the records before this slot are whole and valid, so they stay.
            try {
                commit();
            } catch (Throwable t) {
                fatal(t, null);
            }
        }
        if (slot.command == Slot.Command.EVENT) {
            bump(counters.lost, 1);
        }
        Throwable cause = failure.get();
        LedgerClosedException e = cause != null
                ? new LedgerClosedException("the ledger failed: " + cause, cause)
                : new LedgerClosedException("the ledger was closed before this event reached the journal");
        if (waiter != null) {
            waiter.fail(e);
        }
        if (cause != null) {
            failSealWaiters(e);
        }
    }

    private void fatal(Throwable thrown, Waiter waiter) {
        Throwable t = JournalFaults.explained(thrown);
        appendFailed = true;
        // The open document is never committed: its events are lost, and counted so, as the events of every slot
        // discarded after this one will be.
        bump(counters.lost, uncommittedEvents);
        uncommittedEvents = 0;
        uncommittedRecords = 0;
        journal.abandon();
        if (failure.trip(t)) {
            LOG.error("[CRITICAL] Vouch ledger stopped: appending to the journal failed: {}. No further events are "
                    + "accepted; {} records were appended in this session, and the journal ends with the last of "
                    + "them.", t.toString(), counters.records.get(), t);
        }
        LedgerClosedException e = new LedgerClosedException("the ledger failed: " + t, t);
        if (waiter != null) {
            waiter.fail(e);
        }
        // Their records are in a document that was never committed: not journaled.
        journaledWaiters.failAll(e);
        failSealWaiters(e);
    }

    private void failSealWaiters(LedgerClosedException e) {
        sealWaiters.failAll(e);
    }
}
