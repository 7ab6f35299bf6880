package dev.vouch.ledger.internal;

import java.util.concurrent.atomic.AtomicReference;

/** The first fatal failure of either writer stage; once set, both stages stop writing. */
final class FailureLatch {
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** Records {@code t} if nothing failed before; returns whether it was the first. */
    boolean trip(Throwable t) {
        return failure.compareAndSet(null, t);
    }

    Throwable get() {
        return failure.get();
    }
}
