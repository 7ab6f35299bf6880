package dev.vouch.ledger.internal;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.EventProcessorFactory;
import com.lmax.disruptor.dsl.ProducerType;
import dev.vouch.Durability;
import dev.vouch.Event;
import dev.vouch.EventTooLargeException;
import dev.vouch.LedgerClosedException;
import dev.vouch.LedgerFullException;
import dev.vouch.RecorderStats;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.ledger.BackpressureMode;
import dev.vouch.ledger.Ledger;
import dev.vouch.ledger.LedgerStatus;
import dev.vouch.internal.format.EventEncoder;
import dev.vouch.internal.format.RecordDescriptor;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Ledger}: events go through an LMAX Disruptor ring to the chain stage ({@link ChainStage}) and the
 * journal stage ({@link JournalStage}). Agent threads only claim a slot, copy the event in and publish; everything
 * that hashes, signs or writes runs on the consumer threads (one running both stages, or one per stage:
 * LedgerBuilder.consumerThreads).
 */
public final class DisruptorLedger implements Ledger, dev.vouch.internal.OpenTaskCount {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vouch.ledger");
    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;
    private static final long BACKPRESSURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path journalDirectory;
    private final BackpressureMode backpressure;
    private final int maxEventSize;
    private final LedgerCounters counters;
    private final ChainStage chain;
    /** Set by whichever stage fails first; the ledger accepts nothing more once it is. */
    private final FailureLatch failure;
    private final ChronicleJournal journal;
    private final Disruptor<Slot> disruptor;
    private final RingBuffer<Slot> ring;
    private final ThreadLocal<Waiter> waiters = ThreadLocal.withInitial(Waiter::new);
    /** The consumer threads, joined by {@link #close}: Disruptor's shutdown stops their loops but does not wait for them. */
    private final java.util.List<Thread> consumers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger state = new AtomicInteger(OPEN);
    private final java.time.Duration checkpointMaxDelay;
    private final AtomicLong lastBackpressureLog = new AtomicLong(System.nanoTime() - BACKPRESSURE_LOG_INTERVAL_NANOS);
    private final String origin;
    private final Path keyFile;
    private volatile VerifyingKey currentKey;
    private Thread shutdownHook;

    private DisruptorLedger(LedgerConfig config, LedgerOpener.Opened opened, FailureLatch failure) {
        this.journalDirectory = opened.directory();
        this.backpressure = config.backpressure();
        this.maxEventSize = config.maxEventSize();
        this.checkpointMaxDelay = config.checkpointMaxDelay();
        this.counters = opened.counters();
        this.chain = opened.chain();
        this.journal = opened.journal();
        this.failure = failure;
        this.origin = opened.origin();
        this.keyFile = config.keyFile();
        this.currentKey = chain.verifyingKey();
        int slotCapacity = config.slotCapacity();
        this.disruptor = new Disruptor<>(() -> new Slot(slotCapacity), config.ringSize(), runnable -> {
            Thread t = new Thread(runnable, "vouch-ledger-" + journalDirectory.getFileName());
            t.setDaemon(true);
            consumers.add(t);
            return t;
        }, ProducerType.MULTI, waitStrategy(config));
        // The pipeline of the diagram, wired here and nowhere else: ring -> chain stage -> journal stage, on one
        // thread, or on two with the journal stage waiting on the chain stage through a barrier that parks instead
        // of spinning.
        String name = "vouch-ledger-" + journalDirectory.getFileName();
        JournalStage journalStage = new JournalStage(journal, counters, failure, keyFile, name + "-journal",
                slotCapacity);
        if (config.consumerThreads() == 1) {
            InlineStages stages = new InlineStages(chain, journalStage, name);
            disruptor.handleEventsWith(stages);
            disruptor.handleExceptionsFor(stages).with(new StageFailureHandler(chain, journalStage));
            chain.handOffTo(disruptor.getRingBuffer(), null);
        } else {
            chain.threadName(name + "-chain");
            EventProcessorFactory<Slot> behindChain = (ringBuffer, upstream) -> {
                HandOffBarrier barrier = new HandOffBarrier(upstream[0]);
                chain.handOffTo(ringBuffer, barrier);
                BatchEventProcessor<Slot> processor =
                        new BatchEventProcessorBuilder().build(ringBuffer, barrier, journalStage);
                processor.setExceptionHandler(new StageFailureHandler(null, journalStage));
                return processor;
            };
            disruptor.handleEventsWith(chain).then(behindChain);
            disruptor.handleExceptionsFor(chain).with(new StageFailureHandler(chain, null));
        }
        this.ring = disruptor.getRingBuffer();
        journal.handOver();
        disruptor.start();
        if (config.shutdownHook()) {
            shutdownHook = new Thread(this::closeFromHook, "vouch-ledger-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        if (config.meterRegistry() != null) {
            MetricsBridge.bind(this, config.meterRegistry());
        }
    }

    /** Opens the journal {@code config} names (LedgerOpener) and starts the ring; {@code config} is already validated. */
    public static Ledger open(LedgerConfig config) {
        FailureLatch failure = new FailureLatch();
        LedgerOpener.Opened opened = LedgerOpener.open(config, new LedgerCounters(), failure);
        try {
            return new DisruptorLedger(config, opened, failure);
        } catch (RuntimeException | Error e) {
            opened.journal().close();
            throw e;
        }
    }

    private static WaitStrategy waitStrategy(LedgerConfig config) {
        long timeoutNanos = Math.min(config.checkpointMaxDelay().toNanos(), TimeUnit.MILLISECONDS.toNanos(10));
        return switch (config.waitMode()) {
            case BLOCKING -> ParkingWaitStrategy.withTimeout(timeoutNanos);
            case YIELDING -> new PhasedBackoffWaitStrategy(0, 100_000, TimeUnit.NANOSECONDS,
                    ParkingWaitStrategy.withTimeout(timeoutNanos));
        };
    }

    @Override
    public boolean record(Event event) {
        ensureOpen();
        checkAlone(event);
        if (ring.tryPublishEvent(SlotTranslators.EVENT, event, null)) {
            return true;
        }
        counters.ringFull.increment();
        switch (backpressure) {
            case BLOCK -> {
                logBackpressure(false);
                ring.publishEvent(SlotTranslators.EVENT, event, null);
                return true;
            }
            case DROP -> {
                counters.dropped.increment();
                logBackpressure(true);
                return false;
            }
            default -> {
                counters.dropped.increment();
                logBackpressure(true);
                throw new LedgerFullException("the ring of " + ring.getBufferSize()
                        + " slots is full; the event was refused and is recorded as a gap");
            }
        }
    }

    @Override
    public void recordWithoutDropping(Event event) {
        ensureOpen();
        checkAlone(event);
        if (!ring.tryPublishEvent(SlotTranslators.EVENT, event, null)) {
            counters.ringFull.increment();
            logBackpressure(false);
            ring.publishEvent(SlotTranslators.EVENT, event, null);
        }
    }

    @Override
    public long recordDurably(Event event, Durability durability) {
        return recordDurably(event, durability, backpressure == BackpressureMode.FAIL);
    }

    @Override
    public long recordDurablyWithoutDropping(Event event, Durability durability) {
        return recordDurably(event, durability, false);
    }

    private long recordDurably(Event event, Durability durability, boolean refuseWhenFull) {
        java.util.Objects.requireNonNull(durability, "durability");
        ensureOpen();
        checkAlone(event);
        Waiter waiter = waiters.get().arm(durability);
        if (!ring.tryPublishEvent(SlotTranslators.EVENT, event, waiter)) {
            counters.ringFull.increment();
            if (refuseWhenFull) {
                counters.dropped.increment();
                logBackpressure(true);
                throw new LedgerFullException("the ring of " + ring.getBufferSize()
                        + " slots is full; the write-ahead event was refused and is recorded as a gap");
            }
            logBackpressure(false);
            ring.publishEvent(SlotTranslators.EVENT, event, waiter);
        }
        return waiter.await();
    }

    @Override
    public long recordDurably(Event[] group, Durability durability) {
        java.util.Objects.requireNonNull(durability, "durability");
        ensureOpen();
        int n = group.length;
        if (n == 0 || n > ring.getBufferSize()) {
            throw new IllegalArgumentException("a group holds 1 to " + ring.getBufferSize() + " events, not " + n);
        }
        // Everything is checked before a slot is claimed: a claimed slot must be published (STYLE.md 4).
        for (int i = 0; i < n; i++) {
            Event e = group[i];
            checkSize(e);
            int member = e.parentGroupIndex();
            if (member >= i) {
                throw new IllegalArgumentException("event " + i + " of the group names group member " + member
                        + " as its parent; only an earlier member can be");
            }
        }
        Waiter waiter = waiters.get().arm(durability);
        long last;
        try {
            last = ring.tryNext(n);
        } catch (InsufficientCapacityException full) {
            counters.ringFull.increment();
            if (backpressure == BackpressureMode.FAIL) {
                counters.dropped.add(n);
                logBackpressure(true);
                throw new LedgerFullException("the ring of " + ring.getBufferSize()
                        + " slots has no room for a group of " + n + "; the write-ahead events were refused and are"
                        + " recorded as a gap");
            }
            logBackpressure(false);
            last = ring.next(n);
        }
        long first = last - n + 1;
        try {
            for (int i = 0; i < n; i++) {
                SlotTranslators.translateGroupMember(ring.get(first + i), group[i], i, n, i == n - 1 ? waiter : null);
            }
        } catch (Throwable t) {
            // All of the group or none of it; and every claimed slot published, or the consumer waits for ever.
            for (int i = 0; i < n; i++) {
                SlotTranslators.voidSlot(ring.get(first + i));
            }
            ring.publish(first, last);
            throw t;
        }
        ring.publish(first, last);
        return waiter.await() - (n - 1);
    }

    /** A lone event cannot name a group member as its parent. */
    private void checkAlone(Event event) {
        checkSize(event);
        if (event.parent() < Event.NO_PARENT) {
            throw new IllegalArgumentException("an event names group member " + event.parentGroupIndex()
                    + " as its parent but is recorded alone; group references are for recordDurably(Event[], ...)");
        }
    }

    private void checkSize(Event event) {
        long bound = EventEncoder.maxEncodedLength(event);
        if (bound <= maxEventSize && bound <= RecordDescriptor.MAX_STR16) {
            return;
        }
        long exact = EventEncoder.encodedLength(event);
        if (exact < 0) {
            throw new IllegalArgumentException("a text field (agent, task, name, policy, tool-call id or principal) exceeds "
                    + RecordDescriptor.MAX_STR16 + " UTF-8 bytes");
        }
        if (exact > maxEventSize) {
            throw new EventTooLargeException(exact, maxEventSize);
        }
    }

    @Override
    public VerifyingKey rotateKey() {
        ensureOpen();
        // Refused here, on the caller's thread, before anything changes: on the writer's thread it would be fatal.
        KeyRotation.checkRotatable(keyFile);
        Waiter waiter = waiters.get().arm(Durability.SEALED);
        ring.publishEvent(SlotTranslators.ROTATE_KEY, waiter);
        counters.controlSlots.increment();
        waiter.await();
        currentKey = waiter.rotatedKey();
        return currentKey;
    }

    @Override
    public long checkpoint() {
        ensureOpen();
        Waiter waiter = waiters.get().arm(Durability.SEALED);
        ring.publishEvent(SlotTranslators.CHECKPOINT, waiter);
        counters.controlSlots.increment();
        return waiter.await();
    }

    @Override
    public VerifyingKey verifyingKey() {
        return currentKey;
    }

    @Override
    public String origin() {
        return origin;
    }

    @Override
    public Path journalDirectory() {
        return journalDirectory;
    }

    @Override
    public void taskTakenBack(long taskStartSequence) {
        counters.openTasks.started(taskStartSequence);
    }

    @Override
    public RecorderStats stats() {
        // Read in the reverse of the order they grow in (accepted, then journaled, then sealed, each after the one
        // before), so that sealed <= journaled <= accepted holds in every snapshot.
        long sealed = counters.sealed.get();
        long journaled = counters.journaled.get();
        return new RecorderStats(
                Math.max(accepted(), journaled),
                journaled,
                sealed,
                counters.dropped.sum(),
                counters.gapsRecorded.get(),
                counters.poolMissesSeen.get(),
                counters.ringFull.sum(),
                counters.checkpoints.get(),
                counters.records.get(),
                counters.openTasks.count(),
                ring.remainingCapacity(),
                ring.getBufferSize(),
                counters.latencyTotalNanos.get(),
                counters.latencyMaxNanos.get(),
                counters.lost.get());
    }

    /**
     * Every slot claimed so far, less the control slots: an event is accepted once its slot is claimed, and a claimed
     * slot is always published. Counting it from the ring's cursor instead of a counter of its own spares every
     * record() an atomic add on a line the consumers read (a third of record()'s CPU under load). Between a control
     * slot's claim and its count this reads one high for a moment, never low.
     */
    private long accepted() {
        return ring.getCursor() + 1 - counters.controlSlots.sum();
    }

    @Override
    public LedgerStatus status() {
        Throwable f = failure.get();
        LedgerStatus.State st = f != null ? LedgerStatus.State.FAILED
                : state.get() == OPEN ? LedgerStatus.State.OPEN : LedgerStatus.State.CLOSED;
        long since = counters.unsealedSinceNanoTime.get();
        long sealed = counters.sealed.get();
        long unsealed = Math.max(0, counters.journaled.get() - sealed);
        // The instants are placed by their age on the monotonic clock, back from the wall clock's now: a step of the
        // wall clock moves them with it and leaves the ages (what readiness and the checkpoint-age gauge read) true.
        long nanoTime = System.nanoTime();
        java.time.Instant now = java.time.Instant.now();
        return new LedgerStatus(st, f, now.minusNanos(Math.max(0, nanoTime - counters.lastCheckpointNanoTime.get())),
                unsealed, checkpointMaxDelay, unsealed == 0 ? null
                        : now.minusNanos(since == LedgerCounters.NONE ? 0 : Math.max(0, nanoTime - since)));
    }

    private void ensureOpen() {
        Throwable f = failure.get();
        if (f != null) {
            throw new LedgerClosedException("the ledger stopped after a fatal failure: " + f, f);
        }
        if (state.get() != OPEN) {
            throw new LedgerClosedException("the ledger is closed");
        }
    }

    /**
     * The rate-limited {@code [BACKPRESSURE]} line, for a caller that found the ring full and {@code dropped} its
     * event, or waits for a slot (BLOCK, and write-ahead events in DROP). An outside operator's trial saw its ring
     * full 1,348 times in BLOCK and DROP and no line at all: only drops were logged, while OPERATIONS.md promised the
     * line whenever producers outrun the journal.
     */
    private void logBackpressure(boolean dropped) {
        long now = System.nanoTime();
        long last = lastBackpressureLog.get();
        if (now - last >= BACKPRESSURE_LOG_INTERVAL_NANOS && lastBackpressureLog.compareAndSet(last, now)) {
            long droppedSoFar = counters.dropped.sum();
            LOG.warn("[BACKPRESSURE] ledger ring full ({} slots, mode {}): {}; {} events dropped so far{}",
                    ring.getBufferSize(), backpressure, dropped ? "an event was dropped" : "callers wait for a slot",
                    droppedSoFar, droppedSoFar > 0 ? ", each drop recorded as a gap in the journal" : "");
        }
    }

    private void closeFromHook() {
        shutdownHook = null;
        close();
    }

    /** Waits up to 5 s in all for the consumer threads to end, once their loops have stopped. */
    private void joinConsumers() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Thread t : consumers) {
            long left = deadline - System.nanoTime();
            if (t == Thread.currentThread() || left <= 0) {
                continue;
            }
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        if (!state.compareAndSet(OPEN, CLOSING)) {
            return;
        }
        RuntimeException error = null;
        Throwable failed = failure.get();
        if (failed == null) {
            Waiter waiter = waiters.get().arm(Durability.SEALED);
            ring.publishEvent(SlotTranslators.CLOSE, waiter);
            counters.controlSlots.increment();
            try {
                waiter.await();
            } catch (RuntimeException e) {
                error = e;
            }
        }
        try {
            disruptor.shutdown(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            error = addFailure(error, new LedgerClosedException("the ledger's consumer did not stop in 30 s", e));
            disruptor.halt();
        }
        joinConsumers(); // so that close() leaves no thread of the ledger's behind (a loaded CI saw one still ending)
        try {
            journal.close();
        } catch (RuntimeException e) {
            error = addFailure(error, e);
        } catch (InternalError e) {
            // A fault in a mapped file (a full disk), raised by the JVM: the caller gets the ledger's exception type.
            error = addFailure(error, new LedgerClosedException("closing the journal's storage failed: " + e, e));
        }
        Thread hook = shutdownHook;
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // Already shutting down: the hook is running or about to.
            }
        }
        state.set(CLOSED);
        failed = failure.get();
        long lost = counters.lost.get();
        if (lost > 0) {
            if (failed != null) {
                LOG.warn("{} accepted events were not journaled because the ledger failed: {}", lost, failed.toString());
            } else {
                LOG.warn("{} events were accepted after close began and were not journaled", lost);
            }
        }
        if (failed != null) {
            error = addFailure(error, new LedgerClosedException("the ledger had failed: " + failed, failed));
        }
        if (error != null) {
            throw error;
        }
    }

    private static RuntimeException addFailure(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

}
