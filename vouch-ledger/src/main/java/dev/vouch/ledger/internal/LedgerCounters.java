package dev.vouch.ledger.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ledger's own counters. Producer-side counts are {@link LongAdder}s (no contention between agent
 * threads); consumer-side counts have a single writer and are published with lazySet. Metrics binders and
 * {@code stats()} only read them.
 */
final class LedgerCounters {
    /** Control slots published (checkpoint, rotation, close, ticks): the ring's other slots are accepted events. */
    public final LongAdder controlSlots = new LongAdder();
    public final LongAdder dropped = new LongAdder();
    /** Times a caller found the ring full (then dropped, refused, or waited, by mode). */
    public final LongAdder ringFull = new LongAdder();

    public final AtomicLong journaled = new AtomicLong();
    /** Journaled events whose pre-allocated slot buffer was too small and had to grow (pool misses). */
    public final AtomicLong poolMissesSeen = new AtomicLong();
    public final AtomicLong sealed = new AtomicLong();
    public final AtomicLong gapsRecorded = new AtomicLong();
    public final AtomicLong checkpoints = new AtomicLong();
    public final AtomicLong records = new AtomicLong();
    /** Tasks started and not yet ended (the journal stage, and the guard for tasks taken back after a restart). */
    public final OpenTasks openTasks = new OpenTasks();
    public final AtomicLong latencyTotalNanos = new AtomicLong();
    public final AtomicLong latencyMaxNanos = new AtomicLong();
    /** Events accepted into the ring but never journaled: the ledger had failed or closed under them. */
    public final AtomicLong lost = new AtomicLong();
    /**
     * When the last checkpoint reached the journal ({@code System.nanoTime()}); when the ledger opened, before the
     * first. Ages are measured on the monotonic clock: the wall clock can be stepped (an outside trial's NTP step of
     * an hour made the ledger "not ready" for as long as the process ran).
     */
    public final AtomicLong lastCheckpointNanoTime = new AtomicLong(System.nanoTime());
    /**
     * When the oldest event not yet covered by a checkpoint was journaled ({@code System.nanoTime()}), or {@link #NONE}
     * when every journaled event is sealed: how long events have waited, which the time since the last checkpoint is
     * not after an idle spell. Written by the journal stage only.
     */
    public final AtomicLong unsealedSinceNanoTime = new AtomicLong(NONE);
    /** {@link #unsealedSinceNanoTime} when nothing waits ({@code nanoTime} can be any value, even 0). */
    public static final long NONE = Long.MIN_VALUE;

    /**
     * After {@code journaled} grew by events just committed, which no checkpoint covers yet (a checkpoint's count
     * grows after its document is committed): they wait from now, unless older ones already did.
     */
    void journaledMore() {
        if (unsealedSinceNanoTime.get() == NONE) {
            unsealedSinceNanoTime.lazySet(System.nanoTime());
        }
    }

    /**
     * After {@code sealed} grew: none waits, or those left were journaled after the checkpoint was made, so at
     * most a moment ago.
     */
    void sealedMore() {
        unsealedSinceNanoTime.lazySet(journaled.get() > sealed.get() ? System.nanoTime() : NONE);
    }

    /** Single-writer increment (consumer thread only). */
    public static void bump(AtomicLong counter, long delta) {
        counter.lazySet(counter.get() + delta);
    }
}
