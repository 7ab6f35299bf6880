package dev.vouch.ledger.internal;

import dev.vouch.Durability;
import dev.vouch.LedgerClosedException;
import dev.vouch.crypto.VerifyingKey;
import java.util.concurrent.locks.LockSupport;

/**
 * How a write-ahead caller waits for the consumer. One per thread (virtual threads included), reused across
 * calls, so waiting allocates nothing. The consumer completes it with a sequence number or a failure.
 */
final class Waiter {
    static final long PENDING = Long.MIN_VALUE;

    private volatile Thread owner;
    private volatile long result = PENDING;
    private volatile Throwable failure;
    private volatile VerifyingKey key;
    public Durability durability = Durability.JOURNALED;

    /** Called by the owner before publishing. */
    public Waiter arm(Durability durability) {
        this.durability = durability;
        this.failure = null;
        this.key = null;
        this.owner = Thread.currentThread();
        this.result = PENDING;
        return this;
    }

    public void complete(long sequence) {
        result = sequence;
        LockSupport.unpark(owner);
    }

    /** Completes a key rotation: the rotation record's sequence number and the new key. */
    public void complete(long sequence, VerifyingKey rotatedKey) {
        this.key = rotatedKey;
        complete(sequence);
    }

    public void fail(Throwable cause) {
        failure = cause;
        result = -1;
        LockSupport.unpark(owner);
    }

    /** The completed sequence number, or {@link #PENDING}: the non-blocking half of {@link #await}. */
    long poll() {
        return result;
    }

    /** Waits, uninterruptibly (an abandoned wait would corrupt the next call's), and keeps the interrupt flag. */
    public long await() {
        boolean interrupted = false;
        int spins = 0;
        long yieldUntil = 0;
        while (poll() == PENDING) {
            if (spins < 100) {
                if (++spins == 100) {
                    yieldUntil = System.nanoTime() + ParkingWaitStrategy.YIELD_NANOS;
                }
                Thread.onSpinWait();
            } else if (System.nanoTime() - yieldUntil < 0) {
                // A write-ahead round trip takes ~10-20 µs: yielding for it saves the unpark of a parked caller.
                Thread.yield();
            } else {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable f = failure;
        if (f != null) {
            throw f instanceof LedgerClosedException lce ? lce
                    : new LedgerClosedException("the ledger failed before the event was recorded", f);
        }
        return result;
    }

    /** The new key, after a rotation completed. */
    public VerifyingKey rotatedKey() {
        return key;
    }
}
