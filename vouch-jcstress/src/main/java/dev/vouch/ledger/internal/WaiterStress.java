package dev.vouch.ledger.internal;

import dev.vouch.Durability;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import java.security.SecureRandom;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

/**
 * Waiter's claim, as the ledger uses it: a caller arms it, publishes, and awaits; a consumer completes it once.
 * (That a completion never leaves the caller parked rests on LockSupport's permit: an unpark before the park makes
 * the park return; nothing hand-written to test there.)
 */
public final class WaiterStress {
    private WaiterStress() {
    }

    /**
     * A rotation's completion carries the new key, written before the sequence number that releases the caller:
     * a caller that sees the number sees the key.
     */
    @JCStressTest
    @Outcome(id = {"-1, 0", "-1, 1"}, expect = Expect.ACCEPTABLE, desc = "not completed yet (the key may already show)")
    @Outcome(id = "42, 1", expect = Expect.ACCEPTABLE, desc = "the caller saw the sequence and the key")
    @Outcome(id = "42, 0", expect = Expect.FORBIDDEN, desc = "the sequence without the key written before it")
    @State
    public static class KeyBeforeSequence {
        private static final VerifyingKey KEY = SigningKey.generate(new SecureRandom()).verifyingKey();
        private final Waiter waiter = new Waiter().arm(Durability.SEALED);

        @Actor
        public void consumer() {
            waiter.complete(42, KEY);
        }

        @Actor
        public void caller(JJ_Result r) {
            long seen = waiter.poll();
            r.r1 = seen == Waiter.PENDING ? -1 : seen;
            r.r2 = waiter.rotatedKey() == KEY ? 1 : 0;
        }
    }
}
