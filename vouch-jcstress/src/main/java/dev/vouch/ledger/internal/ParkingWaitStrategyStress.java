package dev.vouch.ledger.internal;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * ParkingWaitStrategy's claim: a publisher claims its sequence with an atomic update before it reads whether the
 * consumer sleeps (a plain read, where Disruptor's original swaps the flag on every publish), and the consumer
 * raises that flag before it re-reads the claimed cursor; so the consumer is never left waiting behind a published
 * event. Here the strategy does not yield before it parks and times out after {@link #PATIENCE}: the strategy
 * re-reads the cursor before it reports a timeout, so a consumer that timed out found no event after waiting that
 * long, which only a lost wake-up explains. (The bound is seconds, not milliseconds: on a loaded two-core machine
 * the publisher's thread can be off its core for a few hundred milliseconds, and a 200 ms bound once reported that
 * as a lost wake-up.)
 */
@JCStressTest
@Outcome(id = "0", expect = Expect.ACCEPTABLE, desc = "the consumer saw the published event, or was woken for it")
@Outcome(id = "1", expect = Expect.FORBIDDEN, desc = "a lost wake-up: the consumer timed out behind a published event")
@State
public class ParkingWaitStrategyStress {
    static final long PATIENCE = TimeUnit.SECONDS.toNanos(2);

    private final Sequence cursor = new Sequence(0);
    private final Sequence dependent = new Sequence(1);
    private final ParkingWaitStrategy strategy = ParkingWaitStrategy.withTimeout(PATIENCE, 0);

    @Actor
    public void consumer(I_Result r) {
        try {
            strategy.waitFor(1, cursor, dependent, NeverAlerted.INSTANCE);
            r.r1 = 0;
        } catch (TimeoutException timedOut) {
            r.r1 = 1;
        } catch (AlertException | InterruptedException notHere) {
            r.r1 = -1; // neither happens here: an unknown outcome, which jcstress reports
        }
    }

    @Actor
    public void publisher() {
        cursor.incrementAndGet(); // the claim: an atomic update, as the multi-producer sequencer makes it
        strategy.signalAllWhenBlocking();
    }

    /** A barrier that is never alerted: the consumer waits only for the cursor. */
    enum NeverAlerted implements SequenceBarrier {
        INSTANCE;

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
    }
}
