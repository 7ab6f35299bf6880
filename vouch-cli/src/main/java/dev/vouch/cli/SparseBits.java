package dev.vouch.cli;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/** A bit per non-negative long (a sequence number), in blocks of 2^20: a BitSet alone stops at 2^31. */
final class SparseBits {
    static final int SHIFT = 20;
    final Map<Long, BitSet> blocks = new HashMap<>();

    void set(long i) {
        blocks.computeIfAbsent(i >>> SHIFT, k -> new BitSet()).set((int) (i & ((1 << SHIFT) - 1)));
    }

    boolean get(long i) {
        BitSet b = blocks.get(i >>> SHIFT);
        return b != null && b.get((int) (i & ((1 << SHIFT) - 1)));
    }
}
