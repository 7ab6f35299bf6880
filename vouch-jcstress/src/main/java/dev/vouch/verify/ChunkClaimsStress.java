package dev.vouch.verify;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * ChunkClaims, as a parallel verification uses it: the verifying thread claims a batch's chunks from the front in
 * order, a helper claims from the back and publishes what it hashed. Every chunk is hashed by exactly one of them,
 * and for every chunk the helper took, the verifying thread sees the helper's hash.
 */
@JCStressTest
@Outcome(id = {"0, 3, 1", "1, 2, 1", "2, 1, 1", "3, 0, 1"}, expect = Expect.ACCEPTABLE,
        desc = "each chunk claimed once, and the helper's hashes seen")
@Outcome(expect = Expect.FORBIDDEN, desc = "a chunk claimed twice or never, or a helper's hash not seen after its publication")
@State
public class ChunkClaimsStress {
    private static final int CHUNKS = 3;
    private static final int HASH = 42;

    private final ChunkClaims claims = new ChunkClaims();
    /** Stands for the batch's leaf hashes: plain fields, written by the helper before it publishes. */
    private final int[] hashes = new int[CHUNKS];

    public ChunkClaimsStress() {
        claims.open(CHUNKS);
    }

    @Actor
    public void verifier(III_Result r) {
        int mine = 0;
        int seen = 1;
        for (int c = 0; c < CHUNKS; c++) {
            if (claims.claimFront(c)) {
                mine++;
            } else {
                claims.awaitPublished(c);
                if (hashes[c] != HASH) {
                    seen = 0;
                }
            }
        }
        r.r1 = mine;
        r.r3 = seen;
    }

    @Actor
    public void helper(III_Result r) {
        int taken = 0;
        for (int c = claims.claimBack(); c >= 0; c = claims.claimBack()) {
            hashes[c] = HASH;
            claims.published(c);
            taken++;
        }
        r.r2 = taken;
    }
}
