package dev.vouch.ledger.internal;

import java.util.concurrent.atomic.AtomicInteger;

/** For tests of other packages: makes the producer's growth of a ring slot fail as a full heap does. */
public final class SlotFaults {
    private SlotFaults() {
    }

    /**
     * The next {@code times} slot buffers of more than {@code bytes} bytes throw OutOfMemoryError instead of being
     * made; then growth works again. Returns how many such failures are left to come.
     */
    public static AtomicInteger failGrowthOver(int bytes, int times) {
        AtomicInteger left = new AtomicInteger(times);
        SlotTranslators.newBuffer = n -> {
            if (n > bytes && left.getAndDecrement() > 0) {
                throw new OutOfMemoryError("Java heap space (SlotFaults)");
            }
            return new byte[n];
        };
        return left;
    }

    /** Growth as in production. */
    public static void reset() {
        SlotTranslators.newBuffer = byte[]::new;
    }
}
