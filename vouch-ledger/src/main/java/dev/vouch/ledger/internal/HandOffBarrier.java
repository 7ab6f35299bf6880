package dev.vouch.ledger.internal;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How the journal stage waits for the chain stage. Disruptor's own barriers busy-spin on an upstream
 * consumer, which on a two-core machine takes the very core the chain stage or the agent needs; this one
 * spins briefly, then yields, then parks until the chain stage releases work and wakes it.
 */
final class HandOffBarrier implements SequenceBarrier {
    private static final int SPINS = 100;
    private static final int YIELDS = 10;
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Sequence upstream;
    private volatile Thread sleeper;
    private volatile boolean alerted;

    HandOffBarrier(Sequence upstream) {
        this.upstream = upstream;
    }

    @Override
    public long waitFor(long sequence) throws AlertException {
        checkAlert();
        long available;
        int idle = 0;
        while ((available = upstream.get()) < sequence) {
            checkAlert();
            if (idle < SPINS) {
                Thread.onSpinWait();
            } else if (idle < SPINS + YIELDS) {
                Thread.yield();
            } else {
                sleeper = Thread.currentThread();
                if (upstream.get() < sequence && !alerted) {
                    // Bounded, so a missed wake-up costs at most a millisecond, never a hang.
                    LockSupport.parkNanos(this, PARK_NANOS);
                }
                sleeper = null;
            }
            idle++;
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
