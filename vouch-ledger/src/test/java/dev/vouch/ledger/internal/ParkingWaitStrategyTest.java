package dev.vouch.ledger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The consumer's wait: woken for an event, idle until its bound, never reporting idle with an event waiting. */
class ParkingWaitStrategyTest {
    private static final long NO_YIELD = 0;
    /** A barrier nothing alerts: the consumer waits only for the cursor. */
    private static final SequenceBarrier NEVER_ALERTED = new SequenceBarrier() {
        @Override
        public long waitFor(long sequence) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long getCursor() {
            return 0;
        }

        @Override
        public boolean isAlerted() {
            return false;
        }

        @Override
        public void alert() {
        }

        @Override
        public void clearAlert() {
        }

        @Override
        public void checkAlert() {
        }
    };

    @Test
    void anEventPublishedDuringTheWaitIsTakenEvenWhenTheBoundPassedMeanwhile() throws Exception {
        // The event shows 200 ms in and nobody signals: the consumer wakes at its 400 ms bound, as one woken for
        // the event but scheduled late does. It must take the event, not report an idle timeout.
        Sequence cursor = new PublishedAt(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));
        ParkingWaitStrategy strategy = ParkingWaitStrategy.withTimeout(TimeUnit.MILLISECONDS.toNanos(400), NO_YIELD);

        assertEquals(1, strategy.waitFor(1, cursor, cursor, NEVER_ALERTED));
    }

    @Test
    void anIdleConsumerTimesOutAfterItsBound() {
        Sequence cursor = new Sequence(0);
        long bound = TimeUnit.MILLISECONDS.toNanos(20);
        ParkingWaitStrategy strategy = ParkingWaitStrategy.withTimeout(bound, NO_YIELD);

        long start = System.nanoTime();
        assertThrows(TimeoutException.class, () -> strategy.waitFor(1, cursor, cursor, NEVER_ALERTED));
        assertTrue(System.nanoTime() - start >= bound, "timed out before its bound");
    }

    @Test
    void aPublisherWakesAParkedConsumerLongBeforeTheBound() throws Exception {
        Sequence cursor = new Sequence(0);
        ParkingWaitStrategy strategy = ParkingWaitStrategy.withTimeout(TimeUnit.SECONDS.toNanos(30), NO_YIELD);
        Thread publisher = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cursor.incrementAndGet();
            strategy.signalAllWhenBlocking();
        });

        long start = System.nanoTime();
        publisher.start();
        assertEquals(1, strategy.waitFor(1, cursor, cursor, NEVER_ALERTED));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "only the bound woke the consumer");
        publisher.join();
    }

    /** A cursor that reads as published from a given moment on, without signalling anyone. */
    private static final class PublishedAt extends Sequence {
        private final long publishedAtNanos;

        PublishedAt(long publishedAtNanos) {
            super(0);
            this.publishedAtNanos = publishedAtNanos;
        }

        @Override
        public long get() {
            return System.nanoTime() - publishedAtNanos >= 0 ? 1 : 0;
        }
    }
}
