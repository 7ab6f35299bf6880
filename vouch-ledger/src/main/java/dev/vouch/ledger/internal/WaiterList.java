package dev.vouch.ledger.internal;

import dev.vouch.Durability;
import java.util.Arrays;

/**
 * Write-ahead callers the journal stage will tell later, each with its record's sequence number: those waiting for
 * the open document's commit, and those waiting for a checkpoint. Grows (rarely), then is reused; journal stage only.
 */
final class WaiterList {
    private Waiter[] waiters = new Waiter[64];
    private long[] sequences = new long[64];
    private int count;

    void add(Waiter waiter, long sequence) {
        if (count == waiters.length) {
            waiters = Arrays.copyOf(waiters, count * 2);
            sequences = Arrays.copyOf(sequences, count * 2);
        }
        waiters[count] = waiter;
        sequences[count++] = sequence;
    }

    boolean isEmpty() {
        return count == 0;
    }

    boolean anyWants(Durability durability) {
        for (int i = 0; i < count; i++) {
            if (waiters[i].durability == durability) {
                return true;
            }
        }
        return false;
    }

    /** Tells every caller its sequence number, and empties the list. */
    void completeAll() {
        for (int i = 0; i < count; i++) {
            waiters[i].complete(sequences[i]);
            waiters[i] = null;
        }
        count = 0;
    }

    /** Fails every caller, and empties the list. */
    void failAll(Throwable cause) {
        for (int i = 0; i < count; i++) {
            waiters[i].fail(cause);
            waiters[i] = null;
        }
        count = 0;
    }
}
