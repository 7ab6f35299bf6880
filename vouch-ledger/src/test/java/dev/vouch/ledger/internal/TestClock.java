package dev.vouch.ledger.internal;

/** The writer's clock, for tests outside this package that compare their own readings with record timestamps. */
public final class TestClock {
    private TestClock() {
    }

    public static long nowNanos() {
        return EpochClock.nowNanos();
    }
}
