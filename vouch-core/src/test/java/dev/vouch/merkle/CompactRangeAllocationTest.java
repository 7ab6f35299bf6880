package dev.vouch.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/**
 * Checks the hot-path promise: appending leaves and computing roots allocate nothing in steady state. A
 * JMH run with {@code -prof gc} is the precise proof; this test catches regressions in the ordinary build.
 * The threshold of 1 MB over a million operations allows for JIT and JFR noise while still failing for a
 * single allocated byte array (at least 16 bytes) per operation.
 */
class CompactRangeAllocationTest {

    private static final int OPERATIONS = 1_000_000;
    private static final long LIMIT_BYTES = 1 << 20;
    private static final int DISTINCT_LEAVES = 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void shouldNotAllocateWhenHashingAndAppendingLeaves() {
        assumeAllocationCounting();
        MessageDigest md = Rfc6962.newSha256();
        byte[] data = new byte[DISTINCT_LEAVES * 8];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        byte[] leafHash = new byte[Rfc6962.HASH_SIZE];
        CompactRange range = new CompactRange();

        appendLeaves(range, md, data, leafHash); // Warm-up: let the JIT compile the loop.
        long before = allocatedBytes();
        appendLeaves(range, md, data, leafHash);
        long allocated = allocatedBytes() - before;

        assertEquals(2L * OPERATIONS, range.size());
        assertTrue(allocated < LIMIT_BYTES,
                "leaf hashing and append allocated " + allocated + " bytes over " + OPERATIONS + " leaves");
    }

    @Test
    void shouldNotAllocateWhenComputingRoots() {
        assumeAllocationCounting();
        byte[][] leaves = TreeVectors.syntheticLeafHashes(DISTINCT_LEAVES);
        CompactRange range = new CompactRange();
        // Five one bits: every root folds five subtrees, yet the test stays quick.
        for (int i = 0; i < 0b1_0100_1001_0001; i++) {
            range.append(leaves[i % DISTINCT_LEAVES], 0);
        }
        byte[] out = new byte[Rfc6962.HASH_SIZE];

        computeRoots(range, out); // Warm-up.
        long before = allocatedBytes();
        byte sink = computeRoots(range, out);
        long allocated = allocatedBytes() - before;

        assertArrayEquals(range.root(), out, "root buffer (sink " + sink + ")");
        assertTrue(allocated < LIMIT_BYTES,
                "root() allocated " + allocated + " bytes over " + OPERATIONS + " calls");
    }

    private static void appendLeaves(CompactRange range, MessageDigest md, byte[] data, byte[] leafHash) {
        for (int i = 0; i < OPERATIONS; i++) {
            int leaf = i & (DISTINCT_LEAVES - 1);
            // The ledger's per-event path: hash the record in place, then append.
            Rfc6962.leafHash(md, data, leaf * 8, 8, leafHash, 0);
            range.append(leafHash, 0);
        }
    }

    /** Folds a byte of every root into the result so that the JIT cannot drop the calls. */
    private static byte computeRoots(CompactRange range, byte[] out) {
        byte sink = 0;
        for (int i = 0; i < OPERATIONS; i++) {
            range.root(out, 0);
            sink ^= out[i & 31];
        }
        return sink;
    }

    private static long allocatedBytes() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static void assumeAllocationCounting() {
        assumeTrue(THREADS.isThreadAllocatedMemorySupported(), "JVM cannot count allocated bytes per thread");
        THREADS.setThreadAllocatedMemoryEnabled(true);
    }
}
