package dev.vouch.ledger.internal;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Disruptor's {@code LiteTimeoutBlockingWaitStrategy}, except that a publisher first reads whether the
 * consumer sleeps before it tries to clear the flag. The original does an atomic swap on every publish: an
 * atomic write to a line the consumer also writes, paid by the agent's thread on every event even while the
 * consumer is busy (about a fifth of {@code record()}'s time in a profile). The plain read is safe because
 * a publisher claims its sequence with an atomic update before it reads the flag, and the consumer raises
 * the flag before it re-reads the claimed cursor: one of the two always sees the other. The timeout bounds
 * any wake-up lost all the same.
 *
 * <p>Before it parks, the consumer yields for a short while ({@link #YIELD_NANOS}): a write-ahead caller that
 * records one event after another (a guard's tool loop) publishes again within microseconds, and finding the
 * consumer still awake saves the futex wake-up that is most of a lone event's latency on a virtual machine.
 * Yielding gives the core to any runnable thread, so it costs nothing when the machine is busy, and an idle
 * ledger parks after the window.
 */
final class ParkingWaitStrategy implements WaitStrategy {
    /** How long the consumer yields before it parks: a few write-ahead round trips. */
    static final long YIELD_NANOS = 50_000;

    private final Object mutex = new Object();
    private final AtomicBoolean signalNeeded = new AtomicBoolean(false);
    private final long timeoutNanos;
    private final long yieldNanos;

    private ParkingWaitStrategy(long timeoutNanos, long yieldNanos) {
        this.timeoutNanos = timeoutNanos;
        this.yieldNanos = yieldNanos;
    }

    /** Waits at most {@code timeoutNanos} at a time, so the consumer's {@code onTimeout} runs while idle. */
    public static ParkingWaitStrategy withTimeout(long timeoutNanos) {
        return new ParkingWaitStrategy(timeoutNanos, YIELD_NANOS);
    }

    /** With another yield window: the jcstress test parks at once, so that a lost wake-up shows. */
    static ParkingWaitStrategy withTimeout(long timeoutNanos, long yieldNanos) {
        return new ParkingWaitStrategy(timeoutNanos, yieldNanos);
    }

    @Override
    public long waitFor(long sequence, Sequence cursorSequence, Sequence dependentSequence, SequenceBarrier barrier)
            throws AlertException, InterruptedException, TimeoutException {
        long nanos = timeoutNanos;
        if (cursorSequence.get() < sequence) {
            long yieldUntil = System.nanoTime() + yieldNanos;
            do {
                barrier.checkAlert();
                Thread.yield();
            } while (cursorSequence.get() < sequence && System.nanoTime() - yieldUntil < 0);
        }
        if (cursorSequence.get() < sequence) {
            synchronized (mutex) {
                while (true) {
                    signalNeeded.set(true);
                    if (cursorSequence.get() >= sequence) {
                        break;
                    }
                    barrier.checkAlert();
                    // Checked only after the cursor: a consumer woken for an event (or handed one meanwhile) but
                    // scheduled late, past the bound, takes the event instead of reporting an idle timeout.
                    if (nanos <= 0) {
                        throw TimeoutException.INSTANCE;
                    }
                    nanos = awaitNanos(nanos);
                }
            }
        }
        long available;
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert();
            Thread.onSpinWait();
        }
        return available;
    }

    private long awaitNanos(long nanos) throws InterruptedException {
        long start = System.nanoTime();
        mutex.wait(nanos / 1_000_000, (int) (nanos % 1_000_000));
        return nanos - (System.nanoTime() - start);
    }

    @Override
    public void signalAllWhenBlocking() {
        if (signalNeeded.get() && signalNeeded.getAndSet(false)) {
            synchronized (mutex) {
                mutex.notifyAll();
            }
        }
    }
}
