package dev.vouch.ledger.internal;

import java.util.function.LongSupplier;
import net.openhft.chronicle.core.time.TimeProvider;

/**
 * The time Chronicle Queue sees when it picks the day file a document goes to: the system clock, but never earlier
 * than the start of the newest day the journal already has. Readers take the day files in the order of their names,
 * so a file for an earlier day made after a later one would put its records before older ones: an outside trial set
 * the clock back across midnight (as NTP or a restored VM can) and {@code vouch verify} then called an untouched
 * journal TAMPERED. With this clock the records go on into the newest file until the system clock passes it. The
 * records' own timestamps still come from the system clock (a clock change can move them back, docs/FORMAT.md).
 */
final class ForwardClock implements TimeProvider {
    private final LongSupplier systemMillis;
    private final long cycleMillis;
    /** The start of the newest cycle written or found, in epoch milliseconds. */
    private volatile long floor;

    ForwardClock(LongSupplier systemMillis, long cycleMillis) {
        this.systemMillis = systemMillis;
        this.cycleMillis = cycleMillis;
    }

    /** Called with the newest cycle the journal holds when it is opened (Chronicle's cycle number, epoch 0). */
    void newestCycle(int cycle) {
        floor = Math.max(floor, cycle * cycleMillis);
    }

    /** Whether the system clock is now behind the newest cycle (the journal goes on writing into that cycle). */
    boolean behind() {
        return systemMillis.getAsLong() < floor;
    }

    @Override
    public long currentTimeMillis() {
        long now = systemMillis.getAsLong();
        long f = floor;
        if (now < f) {
            return f;
        }
        if (now - f >= cycleMillis) {
            floor = now - Math.floorMod(now, cycleMillis); // a later cycle: from now on the floor (once a cycle)
        }
        return now;
    }
}
