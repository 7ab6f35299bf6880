package dev.vouch.ledger.internal;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * HandOffBarrier's claim: the chain stage publishes progress (a volatile store) and then reads the sleeper; the
 * journal stage sets the sleeper and then re-reads progress; so one of the two sees the other, and the journal
 * stage is never left parked behind work it was not woken for. Here the barrier does not yield before it parks
 * and its safety-net bound is 2 s: a journal stage that waited that long was not woken, and says so. (Seconds, not
 * milliseconds: on a loaded two-core machine either actor's thread can be off its core for a few hundred
 * milliseconds, which a 200 ms bound would report as a lost wake-up.)
 * (jcstress's termination mode interrupts its actor, which ends these uninterruptible waits by itself, so a lost
 * wake-up is measured as the time the safety net took instead.)
 */
@JCStressTest
@Outcome(id = "0", expect = Expect.ACCEPTABLE, desc = "the journal stage saw the released slot, or was woken for it")
@Outcome(id = "1", expect = Expect.FORBIDDEN, desc = "a lost wake-up: only the safety-net bound woke the journal stage")
@State
public class HandOffBarrierStress {
    static final long SAFETY_NET = TimeUnit.SECONDS.toNanos(2);

    private final Sequence upstream = new Sequence(0);
    private final HandOffBarrier barrier = new HandOffBarrier(upstream, SAFETY_NET, 0);

    @Actor
    public void journalStage(I_Result r) {
        long start = System.nanoTime();
        try {
            barrier.waitFor(1);
        } catch (AlertException notHere) {
            r.r1 = -1; // nothing alerts this barrier: an unknown outcome, which jcstress reports
            return;
        }
        r.r1 = System.nanoTime() - start >= SAFETY_NET ? 1 : 0;
    }

    @Actor
    public void chainStageReleases() {
        upstream.setVolatile(1);
        barrier.wake();
    }
}
