package dev.vouch.ledger.internal;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;

/**
 * Both stages on one consumer thread: each slot is chained, then appended, before the next. It does the same work as
 * two threads, in the same order, with the same promises, but the record's bytes never cross to another core
 * between hashing and appending, and there is one hand-off per event instead of two. On two cores, where the agent
 * needs one of them, that costs a quarter less CPU per event and makes write-ahead calls faster, at the same
 * burst rate (vouch-bench/README.md); with cores to spare, two stages overlap hashing and appending instead.
 */
final class InlineStages implements EventHandler<Slot> {
    private final ChainStage chain;
    private final JournalStage journal;
    private final String threadName;
    private Sequence progress;
    private int unreleased;

    InlineStages(ChainStage chain, JournalStage journal, String threadName) {
        this.chain = chain;
        this.journal = journal;
        this.threadName = threadName;
    }

    @Override
    public void onStart() {
        Thread.currentThread().setName(threadName);
    }

    @Override
    public void setSequenceCallback(Sequence sequenceCallback) {
        progress = sequenceCallback;
    }

    @Override
    public void onEvent(Slot slot, long ringSequence, boolean endOfBatch) {
        chain.process(slot, endOfBatch);
        journal.onEvent(slot, ringSequence, endOfBatch);
        // Only now may a producer reuse the slot: the journal stage has read it.
        if (endOfBatch || ++unreleased >= ChainStage.RELEASE_EVERY) {
            unreleased = 0;
            progress.set(ringSequence);
        }
    }

    @Override
    public void onTimeout(long sequence) {
        chain.onTimeout(sequence);
    }
}
