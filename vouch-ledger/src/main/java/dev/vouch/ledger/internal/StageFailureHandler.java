package dev.vouch.ledger.internal;

import com.lmax.disruptor.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a consumer thread does with a Throwable that escaped its stage: a bug, or an asynchronous error such as
 * the {@code InternalError} the JVM raises after a fault in a memory-mapped file (a full disk), which surfaces at
 * the next safepoint and so may surface outside the stage's own {@code try}. The stages fail the ledger as they
 * do for a failure caught inside, and the thread goes on: every later slot is discarded, counted as lost if it
 * held an event, and its caller told. Disruptor's default handler would end the thread instead, leaving every
 * write-ahead caller waiting for ever.
 */
final class StageFailureHandler implements ExceptionHandler<Slot> {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vouch.ledger");

    /** Null on the journal thread of two. */
    private final ChainStage chain;
    /** Null on the chain thread of two. */
    private final JournalStage journal;

    StageFailureHandler(ChainStage chain, JournalStage journal) {
        this.chain = chain;
        this.journal = journal;
    }

    @Override
    public void handleEventException(Throwable ex, long sequence, Slot slot) {
        if (journal == null) {
            chain.escaped(ex, slot);
            return;
        }
        if (chain != null && !journal.reached(sequence)) {
            chain.escaped(ex, slot); // one thread runs both stages, and the chain stage had the slot
        }
        journal.escaped(ex, sequence, slot);
    }

    @Override
    public void handleOnStartException(Throwable ex) {
        LOG.warn("a ledger thread failed to start: {}", ex.toString(), ex);
    }

    @Override
    public void handleOnShutdownException(Throwable ex) {
        LOG.warn("a ledger thread failed to stop cleanly: {}", ex.toString(), ex);
    }
}
