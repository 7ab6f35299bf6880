package dev.vouch.ledger.internal;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How the journal stage waits for the chain stage. Disruptor's own barriers busy-spin on an upstream
 * consumer, which on a two-core machine takes the very core the chain stage or the agent needs; this one
 * spins briefly, then yields for up to 50 µs, then parks until the chain stage releases work and wakes it.
 */
final class HandOffBarrier implements SequenceBarrier {
    private static final int SPINS = 100;
    /** How long it yields before parking (as ParkingWaitStrategy.YIELD_NANOS, for the same write-ahead round trips). */
    private static final long YIELD_NANOS = ParkingWaitStrategy.YIELD_NANOS;
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Sequence upstream;
    private final long parkNanos;
    private final long yieldNanos;
    private volatile Thread sleeper;
    private volatile boolean alerted;

    HandOffBarrier(Sequence upstream) {
        this(upstream, PARK_NANOS, YIELD_NANOS);
    }

    /**
     * With other bounds: the jcstress test yields not at all and parks beyond its own patience, so that a lost
     * wake-up shows instead of being hidden by the yield window or the safety net.
     */
    HandOffBarrier(Sequence upstream, long parkNanos, long yieldNanos) {
        this.upstream = upstream;
        this.parkNanos = parkNanos;
        this.yieldNanos = yieldNanos;
    }

    @Override
    public long waitFor(long sequence) throws AlertException {
        checkAlert();
        long available;
        int idle = 0;
        long yieldUntil = 0;
        while ((available = upstream.get()) < sequence) {
            checkAlert();
            if (idle < SPINS) {
                Thread.onSpinWait();
                if (++idle == SPINS) {
                    yieldUntil = System.nanoTime() + yieldNanos;
                }
            } else if (System.nanoTime() - yieldUntil < 0) {
                Thread.yield();
            } else {
                // No more counting once parked: an idle ledger may wait here for weeks.
                sleeper = Thread.currentThread();
                if (upstream.get() < sequence && !alerted) {
                    // The chain stage publishes progress (a volatile store), then reads sleeper; this thread sets
                    // sleeper, then re-reads progress, so one of the two sees the other: no wake-up is missed. The
                    // bound is only a safety net, long enough that an idle ledger wakes this thread 20 times a
                    // second, not 1000.
                    LockSupport.parkNanos(this, parkNanos);
                }
                sleeper = null;
            }
        }
        return available;
    }

    /** Called by the chain stage after it releases work; costs one volatile read when nobody sleeps. */
    void wake() {
        Thread t = sleeper;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public long getCursor() {
        return upstream.get();
    }

    @Override
    public boolean isAlerted() {
        return alerted;
    }

    @Override
    public void alert() {
        alerted = true;
        wake();
    }

    @Override
    public void clearAlert() {
        alerted = false;
    }

    @Override
    public void checkAlert() throws AlertException {
        if (alerted) {
            throw AlertException.INSTANCE;
        }
    }
}
