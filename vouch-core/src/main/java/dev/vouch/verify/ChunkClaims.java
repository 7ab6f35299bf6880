package dev.vouch.verify;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who hashes which chunk of a batch in a parallel verification: the verifying thread takes the unclaimed chunk at the
 * front as it reaches it, helpers take the one at the back, each with one compare-and-set, so every chunk is hashed
 * by exactly one thread and the split follows whoever is idle. A helper publishes a chunk's hashes (and its summary)
 * with {@link #published}; the verifying thread, reaching a chunk a helper claimed, waits for that (at most one chunk
 * of hashing) and then sees everything the helper wrote before it. vouch-jcstress checks both claims.
 */
final class ChunkClaims {
    /** At most this many chunks: one bit each in {@link #published}. */
    static final int MAX_CHUNKS = 32;

    /** The unclaimed chunks {@code [front, back)}, packed as {@code front << 32 | back}. */
    private final AtomicLong unclaimed = new AtomicLong();
    /** Bit c is set (a release) once a helper has written chunk c's hashes and summary. */
    private final AtomicInteger published = new AtomicInteger();

    /** Before the batch is handed on (the hand-off publishes it): chunks {@code [0, chunks)} are all unclaimed. */
    void open(int chunks) {
        if (chunks < 0 || chunks > MAX_CHUNKS) {
            throw new IllegalArgumentException("a batch holds 0 to " + MAX_CHUNKS + " chunks, not " + chunks);
        }
        published.set(0);
        unclaimed.set(chunks);
    }

    /**
     * The verifying thread, reaching chunk {@code c} (chunks in order): true if it claimed it, and hashes it itself;
     * false if a helper has, and then {@link #awaitPublished}.
     */
    boolean claimFront(int c) {
        while (true) {
            long s = unclaimed.get();
            int back = (int) s;
            if (c >= back) {
                return false;
            }
            if (unclaimed.compareAndSet(s, ((long) (c + 1) << 32) | back)) {
                return true;
            }
        }
    }

    /** A helper: the last unclaimed chunk, now its own, or -1 when none is left. */
    int claimBack() {
        while (true) {
            long s = unclaimed.get();
            int front = (int) (s >>> 32);
            int back = (int) s;
            if (back <= front) {
                return -1;
            }
            if (unclaimed.compareAndSet(s, ((long) front << 32) | (back - 1))) {
                return back - 1;
            }
        }
    }

    /** A helper has written the hashes and summary of chunk {@code c}, which it claimed. */
    void published(int c) {
        published.getAndAccumulate(1 << c, (a, b) -> a | b);
    }

    /** Waits until a helper has published chunk {@code c}: one chunk of hashing at most, so it spins, then yields. */
    void awaitPublished(int c) {
        int bit = 1 << c;
        for (int spins = 0; (published.get() & bit) == 0; spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }
}
