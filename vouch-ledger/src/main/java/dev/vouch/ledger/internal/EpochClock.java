package dev.vouch.ledger.internal;

import java.time.Instant;

/**
 * Wall-clock time in nanoseconds since the Unix epoch, without allocating: the epoch time is read once and
 * advanced with {@link System#nanoTime()}, so readings never go backwards within a process.
 */
final class EpochClock {
    private static final long BASE_EPOCH_NANOS;
    private static final long BASE_NANO_TIME;

    static {
        Instant now = Instant.now();
        BASE_NANO_TIME = System.nanoTime();
        BASE_EPOCH_NANOS = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private EpochClock() {
    }

    public static long nowNanos() {
        return epochNanos(System.nanoTime());
    }

    /** The epoch time of a {@link System#nanoTime()} reading taken in this process. */
    public static long epochNanos(long nanoTime) {
        return BASE_EPOCH_NANOS + (nanoTime - BASE_NANO_TIME);
    }
}
