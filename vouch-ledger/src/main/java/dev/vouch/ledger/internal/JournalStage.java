package dev.vouch.ledger.internal;

import static dev.vouch.ledger.internal.LedgerCounters.bump;

import com.lmax.disruptor.EventHandler;
import dev.vouch.Durability;
import dev.vouch.LedgerClosedException;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second consumer: appends what the chain stage prepared in each slot to the Chronicle journal, in ring
 * order, and only then tells the write-ahead callers. It runs on its own thread so that the journal's copy
 * into mapped pages overlaps the next records' hashing. It owns the journal's appender and the list of
 * callers waiting for a checkpoint; a failure here is fatal to the ledger like one in the chain stage.
 */
final class JournalStage implements EventHandler<Slot> {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vouch.ledger");

    private final ChronicleJournal journal;
    private final LedgerCounters counters;
    private final FailureLatch failure;
    private final LedgerWriter.Lifecycle lifecycle;
    private final Path keyFile;

    private Waiter[] sealWaiters = new Waiter[64];
    private long[] sealSequences = new long[64];
    private int sealWaiterCount;
    private boolean appendFailed;

    JournalStage(ChronicleJournal journal, LedgerCounters counters, FailureLatch failure,
                 LedgerWriter.Lifecycle lifecycle, Path keyFile) {
        this.journal = journal;
        this.counters = counters;
        this.failure = failure;
        this.lifecycle = lifecycle;
        this.keyFile = keyFile;
    }

    @Override
    public void onEvent(Slot slot, long ringSequence, boolean endOfBatch) {
        Waiter waiter = slot.waiter;
        slot.waiter = null;
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
                journal.append(trailer.bytes(), trailer.start(i), trailer.end(i) - trailer.start(i));
                bump(counters.records, 1);
            }
            if (slot.checkpointsInTrailer > 0) {
                bump(counters.checkpoints, slot.checkpointsInTrailer);
                bump(counters.sealed, slot.eventsSealedByTrailer);
                releaseSealWaiters();
            }
            switch (slot.then) {
                case Slot.THEN_COMPLETE -> complete(waiter, slot);
                case Slot.THEN_PROMOTE_KEY -> {
                    // The journal must name the new key durably before the old key file disappears.
                    journal.sync();
                    KeyRotation.promote(keyFile);
                    complete(waiter, slot);
                }
                case Slot.THEN_SYNC_AND_COMPLETE -> {
                    journal.sync();
                    complete(waiter, slot);
                }
                default -> { }
            }
        } catch (Throwable t) {
            fatal(t, waiter);
        }
    }

    private void appendEvent(Slot slot, Waiter waiter) {
        byte[] b = slot.buffer;
        journal.append(b, slot.length);
        bump(counters.records, 1);
        bump(counters.journaled, 1);
        if (slot.grew) {
            bump(counters.poolMissesSeen, 1);
        }
        long latency = System.nanoTime() - slot.acceptedNanoTime;
        bump(counters.latencyTotalNanos, latency);
        if (latency > counters.latencyMaxNanos.get()) {
            counters.latencyMaxNanos.lazySet(latency);
        }
        int type = b[RecordDescriptor.TYPE_OFFSET];
        if (type == RecordType.TASK_START.code()) {
            bump(counters.activeTasks, 1);
        } else if (type == RecordType.TASK_END.code()) {
            bump(counters.activeTasks, -1);
        }
        if (waiter != null) {
            if (waiter.durability == Durability.JOURNALED) {
                waiter.complete(slot.eventSequence);
            } else {
                addSealWaiter(waiter, slot.eventSequence);
            }
        }
    }

    private static void complete(Waiter waiter, Slot slot) {
        if (waiter != null) {
            waiter.complete(slot.completeSequence, slot.completeValue);
        }
    }

    /** A checkpoint covering every waiter's event has just been appended. */
    private void releaseSealWaiters() {
        if (sealWaiterCount == 0) {
            return;
        }
        if (anySyncWaiter()) {
            journal.sync();
        }
        for (int i = 0; i < sealWaiterCount; i++) {
            sealWaiters[i].complete(sealSequences[i]);
            sealWaiters[i] = null;
        }
        sealWaiterCount = 0;
    }

    private boolean anySyncWaiter() {
        for (int i = 0; i < sealWaiterCount; i++) {
            if (sealWaiters[i].durability == Durability.SYNCED) {
                return true;
            }
        }
        return false;
    }

    private void addSealWaiter(Waiter waiter, long seq) {
        if (sealWaiterCount == sealWaiters.length) {
            sealWaiters = Arrays.copyOf(sealWaiters, sealWaiterCount * 2);
            sealSequences = Arrays.copyOf(sealSequences, sealWaiterCount * 2);
        }
        sealWaiters[sealWaiterCount] = waiter;
        sealSequences[sealWaiterCount++] = seq;
    }

    private void discard(Slot slot, Waiter waiter) {
        if (slot.command == Slot.EVENT) {
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

    private void fatal(Throwable t, Waiter waiter) {
        appendFailed = true;
        if (failure.trip(t)) {
            LOG.error("[CRITICAL] Vouch ledger stopped: appending to the journal failed: {}. No further events are "
                    + "accepted; {} records were appended in this session, and the journal ends with the last of "
                    + "them.", t.toString(), counters.records.get(), t);
            lifecycle.onFatal(t);
        }
        LedgerClosedException e = new LedgerClosedException("the ledger failed: " + t, t);
        if (waiter != null) {
            waiter.fail(e);
        }
        failSealWaiters(e);
    }

    private void failSealWaiters(LedgerClosedException e) {
        for (int i = 0; i < sealWaiterCount; i++) {
            sealWaiters[i].fail(e);
            sealWaiters[i] = null;
        }
        sealWaiterCount = 0;
    }
}
