package dev.vouch.ledger.internal;

import java.time.Instant;

/**
 * Wall-clock time in nanoseconds since the Unix epoch, without allocating: {@link System#nanoTime()} plus an offset
 * to the wall clock, which a reading checks again every {@link #CHECK_NANOS}. The monotonic clock runs at the wall
 * clock's rate (Linux slews both alike), so the two drift apart only when the wall clock is stepped: NTP correcting
 * a wrong clock, a suspended machine waking, someone setting the time. A step of more than {@link #STEP_NANOS} is
 * followed, forwards or backwards, within {@link #CHECK_NANOS}: records then say what the rest of the machine's logs
 * say. An outside trial found the offset fixed for the life of the process: after NTP stepped the clock by three
 * hours, every later record was three hours off, its own payload's times and its day file disagreed with it, and the
 * ledger's readiness compared the two clocks (now measured on the monotonic one: {@link LedgerCounters}). Smaller
 * differences are left alone, so that readings within a process do not go backwards by them.
 */
final class EpochClock {
    /** How often a reading compares the offset with the wall clock. */
    static final long CHECK_NANOS = 100_000_000L;
    /** A difference larger than this is a step of the wall clock, which the offset then follows. */
    static final long STEP_NANOS = 1_000_000L;

    /** Epoch nanos minus {@code System.nanoTime()}. */
    private static volatile long offset;
    /** The {@code System.nanoTime()} of the last comparison. */
    private static volatile long checkedAt;

    static {
        long nanoTime = System.nanoTime();
        offset = wallNanos() - nanoTime;
        checkedAt = nanoTime;
    }

    private EpochClock() {
    }

    public static long nowNanos() {
        return epochNanos(System.nanoTime());
    }

    /** The epoch time of a {@link System#nanoTime()} reading taken in this process just now. */
    public static long epochNanos(long nanoTime) {
        if (nanoTime - checkedAt > CHECK_NANOS) {
            check(nanoTime);
        }
        return offset + nanoTime;
    }

    /** Several threads may compare at once: they find the same offset, within the threshold. */
    private static void check(long nanoTime) {
        checkedAt = nanoTime;
        long fresh = wallNanos() - System.nanoTime();
        if (Math.abs(fresh - offset) > STEP_NANOS) {
            offset = fresh;
        }
    }

    private static long wallNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
